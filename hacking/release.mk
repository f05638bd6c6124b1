# Release checks for telephony.chime, included by the Makefile (ROOT, BUILD, VENV, TREE, venv and tree-3.11
# come from there). `make release-checks` runs them all; each step is its own target:
#
#   changelog-lint      antsibull-changelog lint, and CHANGELOG.rst is what changelogs/changelog.yaml generates
#   docs-lint           antsibull-docs lint-collection-docs over module docs, extra docs and links
#   docs-html           the collection's docs site, built offline with Sphinx, warnings as errors: .build/docs-html
#   dist                ansible-galaxy collection build: .build/dist/telephony-chime-VERSION.tar.gz
#   dist-check          the tarball holds what a release needs and nothing local (list: .build/dist-files.txt)
#   release-installed   the tarball installed into an empty .build/installed; ansible-doc and a playbook use that copy
#   ee-context          ansible-builder create on examples/execution-environment.yml: .build/ee-context, and the
#                       collection's Python and system requirements found by ansible-builder's introspection
#   format-check        black, isort and flake8 over the whole repository
#   galaxy-importer     galaxy-importer (pinned in requirements-importer.txt, its own venv) on the tarball, as Galaxy
#                       imports it: fails on any ERROR or WARNING line it prints (output: .build/galaxy-importer.txt)
#
# Everything runs with the Python 3.11 virtual environment (requirements-lint.txt has the release tools) and
# reaches nothing but the package index.

RELEASE_PY := 3.11
RELEASE_BIN = $(call VENV,$(RELEASE_PY))/bin
RELEASE_ENV = PATH=$(RELEASE_BIN):$$PATH
RELEASE_CHECK = $(RELEASE_BIN)/python $(ROOT)/hacking/release/release_checks.py
COLLECTION_VERSION := $(shell awk '$$1 == "version:" {print $$2; exit}' $(ROOT)/galaxy.yml)
DIST_DIR = $(BUILD)/dist
TARBALL = $(DIST_DIR)/telephony-chime-$(COLLECTION_VERSION).tar.gz
INSTALLED = $(BUILD)/installed
DOCS_SRC = $(BUILD)/docs-src
DOCS_HTML = $(BUILD)/docs-html
EE_CONTEXT = $(BUILD)/ee-context
EE_INTROSPECT = $(BUILD)/ee-introspect
# The collections that the `ansible` package ships, amazon.aws among them (evaluated in recipes).
RELEASE_SITE_PACKAGES = $$($(RELEASE_BIN)/python -c 'import os, sysconfig; print(os.path.realpath(sysconfig.get_paths()["purelib"]))')
# The installed copy and amazon.aws, nothing else: not the checkout, not the tree copy.
INSTALLED_ENV = $(RELEASE_ENV) ANSIBLE_COLLECTIONS_PATH=$(INSTALLED):$(RELEASE_SITE_PACKAGES)
RELEASE_PLAYBOOK = env PATH=$(RELEASE_BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(INSTALLED):$(RELEASE_SITE_PACKAGES) \
	ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ansible-playbook hacking/release/installed-smoke.yml
CHIME_ENDPOINT_URL ?=
RELEASE_SEED := tools/chime_local/seeds/demo.yml

.PHONY: release-checks changelog-lint docs-lint docs-html dist dist-check release-installed \
	ee-context format-check galaxy-importer

release-checks: changelog-lint docs-lint docs-html dist-check release-installed ee-context format-check galaxy-importer

changelog-lint: venv
	cd $(ROOT) && $(RELEASE_ENV) antsibull-changelog lint
	cd $(ROOT) && $(RELEASE_ENV) antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	@# Without --refresh, `generate` only reads changelogs/changelog.yaml; it writes the RST aside for the diff.
	rm -rf $(BUILD)/changelog && mkdir -p $(BUILD)/changelog
	cd $(ROOT) && $(RELEASE_ENV) antsibull-changelog generate --output $(BUILD)/changelog/CHANGELOG.rst --output-format rst
	diff -u $(ROOT)/CHANGELOG.rst $(BUILD)/changelog/CHANGELOG.rst \
		|| { echo "CHANGELOG.rst is out of date: run antsibull-changelog generate" >&2; exit 1; }
	$(RELEASE_CHECK) fragments

# The checkout itself, as git would commit it, with amazon.aws from the venv for the references to its doc
# fragments. GIT_CEILING_DIRECTORIES: antsibull-docs copies each collection with `git ls-files` when it sits in
# a git work tree, and amazon.aws in .build/venv-3.11 sits in this one, ignored, so it would be copied empty;
# git must not look for a repository above site-packages.
docs-lint: venv
	cd $(ROOT) && sp=$(RELEASE_SITE_PACKAGES) && $(RELEASE_ENV) ANSIBLE_COLLECTIONS_PATH=$$sp GIT_CEILING_DIRECTORIES=$$sp \
		antsibull-docs lint-collection-docs \
		--plugin-docs --check-extra-docs-refs --validate-collection-refs dependent \
		--disallow-unknown-collection-refs $(ROOT)

# antsibull-docs renders the collection from the tree copy (--use-current: no Galaxy), then Sphinx builds it
# with warnings as errors (-W) and nitpicky references. build.sh from sphinx-init would fetch intersphinx
# inventories; release_checks.py docs-offline replaces them with a local one.
docs-html: tree-$(RELEASE_PY)
	rm -rf $(DOCS_SRC) $(DOCS_HTML) && mkdir -m 0700 $(DOCS_SRC)
	$(RELEASE_ENV) ANSIBLE_COLLECTIONS_PATH=$(call TREE,$(RELEASE_PY)) antsibull-docs sphinx-init --use-current \
		--fail-on-error --dest-dir $(DOCS_SRC) --index-rst-source $(ROOT)/hacking/release/docsite-index.rst \
		--project telephony.chime --title "telephony.chime" --html-short-title "telephony.chime" \
		--copyright "Contributors to the telephony.chime project" --no-add-antsibull-docs-version telephony.chime
	$(RELEASE_ENV) ANSIBLE_COLLECTIONS_PATH=$(call TREE,$(RELEASE_PY)) antsibull-docs \
		--config-file $(DOCS_SRC)/antsibull-docs.cfg collection --use-current --fail-on-error \
		--cleanup everything --dest-dir $(DOCS_SRC)/rst telephony.chime
	$(RELEASE_CHECK) docs-offline $(DOCS_SRC)
	$(RELEASE_ENV) sphinx-build -b html -q -W --keep-going -c $(DOCS_SRC) $(DOCS_SRC)/rst $(DOCS_HTML)
	@echo "docs site: $(DOCS_HTML)/index.html ($$(find $(DOCS_HTML) -name '*.html' | wc -l) HTML pages)"

dist: venv
	rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR)
	cd $(ROOT) && $(RELEASE_ENV) ansible-galaxy collection build $(ROOT) --output-path $(DIST_DIR)

dist-check: dist
	$(RELEASE_CHECK) tarball $(TARBALL) --list $(BUILD)/dist-files.txt

# The installed copy must carry a FILES.json that matches it, document its module, and run a playbook.
release-installed: dist-check
	rm -rf $(INSTALLED) && mkdir -p $(INSTALLED)
	@# --force: ansible-galaxy would skip the install if any configured path already had this version.
	$(INSTALLED_ENV) ansible-galaxy collection install $(TARBALL) -p $(INSTALLED) --no-deps --offline --force
	$(INSTALLED_ENV) ansible-galaxy collection verify --offline telephony.chime
	$(INSTALLED_ENV) $(RELEASE_CHECK) installed $(INSTALLED)
	$(INSTALLED_ENV) ANSIBLE_NOCOLOR=1 ansible-doc telephony.chime.chime_proxy_session_info > $(BUILD)/installed-ansible-doc.txt
	sed -n 1p $(BUILD)/installed-ansible-doc.txt
	@# The playbook needs the local endpoint: the one in CHIME_ENDPOINT_URL, or one started for this run by
	@# hacking/with_endpoint.sh, which exports CHIME_ENDPOINT_URL to the command it runs.
	cd $(ROOT) && if [ -n "$(CHIME_ENDPOINT_URL)" ]; then \
		CHIME_ENDPOINT_URL="$(CHIME_ENDPOINT_URL)" $(RELEASE_PLAYBOOK); \
	else \
		hacking/with_endpoint.sh $(RELEASE_BIN)/python $(RELEASE_SEED) $(RELEASE_PLAYBOOK); \
	fi

# The example EE from the tarball. `create` needs no container engine. The image build runs ansible-builder's
# introspection on the collections it installed; here the same script runs on the same requirements.yml,
# installed from the context, and must find boto3, botocore and the bindep entries of this collection.
ee-context: dist
	rm -rf $(EE_CONTEXT) $(EE_INTROSPECT)
	cd $(ROOT) && $(RELEASE_ENV) ansible-builder create -f examples/execution-environment.yml -c $(EE_CONTEXT) \
		--output-filename Containerfile
	cd $(EE_CONTEXT)/_build && $(RELEASE_ENV) ANSIBLE_COLLECTIONS_PATH=$(EE_INTROSPECT)/collections \
		ansible-galaxy collection install -r requirements.yml --no-deps --offline --force -p $(EE_INTROSPECT)/collections
	$(RELEASE_BIN)/python $(EE_CONTEXT)/_build/scripts/introspect.py introspect $(EE_INTROSPECT)/collections \
		--write-pip $(EE_INTROSPECT)/requirements.txt --write-bindep $(EE_INTROSPECT)/bindep.txt
	$(RELEASE_CHECK) ee $(EE_CONTEXT) $(EE_INTROSPECT)

# As amazon.aws runs them; settings in pyproject.toml (black, isort) and .flake8 (flake8 reads no pyproject.toml).
# .build and tests/output are excluded there.
format-check: venv
	cd $(ROOT) && status=0; \
		$(RELEASE_BIN)/black --check --diff --quiet . || status=1; \
		$(RELEASE_BIN)/isort --check-only --diff --quiet . || status=1; \
		$(RELEASE_BIN)/flake8 . || status=1; \
		exit $$status

# Galaxy resolves galaxy.yml's dependency on amazon.aws: the importer's ansible-doc must find amazon.aws's doc
# fragments, or every module fails to document. It gets the amazon.aws that the `ansible` package of the release venv
# ships (amazon.aws 10, the oldest major version galaxy.yml accepts), linked into the importer venv's site-packages,
# where ansible-core looks for collections beside the importer's own ANSIBLE_COLLECTIONS_PATH. galaxy-importer exits 0
# even when ansible-doc fails (it logs ERROR and goes on), so the gate is its output: no ERROR or WARNING line, and
# its closing line.
IMPORTER_VENV := $(BUILD)/venv-importer
IMPORTER_OUT := $(BUILD)/galaxy-importer.txt

$(IMPORTER_VENV)/.done: requirements-importer.txt
	rm -rf $(IMPORTER_VENV)
	$(PYTHON_$(RELEASE_PY)) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/python -m pip install -q -r requirements-importer.txt
	touch $@

galaxy-importer: dist $(IMPORTER_VENV)/.done
	sp=$$($(IMPORTER_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && \
		mkdir -p $$sp/ansible_collections/amazon && \
		ln -sfn "$$($(RELEASE_BIN)/python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')" \
			$$sp/ansible_collections/amazon/aws
	cd $(BUILD) && GALAXY_IMPORTER_CONFIG=$(ROOT)/hacking/release/galaxy-importer.cfg PATH=$(IMPORTER_VENV)/bin:$$PATH \
		$(IMPORTER_VENV)/bin/python -m galaxy_importer.main $(TARBALL) > $(IMPORTER_OUT) 2>&1
	@echo "galaxy-importer: $$(sed -n 1p $(IMPORTER_OUT)), $$(grep -c '^Loading ' $(IMPORTER_OUT)) contents loaded"
	@! grep -E '^(ERROR|WARNING)' $(IMPORTER_OUT) || { echo "galaxy-importer reported the lines above ($(IMPORTER_OUT))" >&2; exit 1; }
	@grep -qx 'Importer processing completed successfully' $(IMPORTER_OUT) \
		|| { cat $(IMPORTER_OUT); echo "galaxy-importer did not complete" >&2; exit 1; }
	@tail -n 1 $(IMPORTER_OUT)
