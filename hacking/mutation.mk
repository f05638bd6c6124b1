# Mutation testing of plugins/ with mutmut 3 (pinned in requirements-dev.txt), included by the Makefile (ROOT, BUILD,
# VENV come from there). Not part of `make test`: 2,349 mutants took 25 minutes on the 2 shared cores (Nov 2026).
#
#   mutation   mutates every function under plugins/ (module_utils and modules, whatever files are there), runs the
#              unit tests that reach each mutant, prints the score and fails on a surviving mutant that is neither
#              killed by a test nor listed, with its reason, in tests/mutation/equivalent.txt
#
# The workspace .build/mutation holds a copy of the checkout as git would commit it (tracked and untracked, not
# ignored: the unit tests read playbooks and docs too), under ansible_collections/telephony/chime so that the tests
# import the mutated copy; amazon.aws comes from the venv. It is rebuilt on every run, so results never come from an older source.
# Inspect a mutant afterwards with `cd .build/mutation && ../venv-3.11/bin/mutmut show NAME` (or `browse`).

MUTATION_PY := 3.11
MUTATION_DIR = $(BUILD)/mutation
MUTATION_COLLECTION = $(MUTATION_DIR)/ansible_collections/telephony/chime
MUTMUT = $(call VENV,$(MUTATION_PY))/bin/mutmut
MUTATION_JOBS ?= 2
# Only the mutants whose names match these fnmatch patterns, for a quick look at one file while writing tests, e.g.
# make mutation MUTANTS='*.modules.chime_proxy_session_info.*'; the others are "not checked" and left out of the score.
MUTANTS ?=

# A full run (no MUTANTS) that passes records its figures in $(MUTATION_RECORD), to be committed with the tests:
# the commit it ran on, the run time and the report. `make test` prints that record (mutation-record), and says
# whether plugins/ or the unit tests changed since the commit it names, since CI does not rerun the 30 minutes.
MUTATION_RECORD := tests/mutation/last-run.txt

.PHONY: mutation mutation-record

mutation: $(BUILD)/venv-$(MUTATION_PY)/.done
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_COLLECTION)
	git ls-files -z --cached --others --exclude-standard \
		| tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(MUTATION_COLLECTION)
	cp tests/mutation/mutmut.cfg $(MUTATION_DIR)/setup.cfg
	git rev-parse HEAD > $(MUTATION_DIR)/commit
	git status --porcelain -- plugins tests/unit > $(MUTATION_DIR)/uncommitted
	@start=$$(date +%s); \
	cd $(MUTATION_DIR) && $(MUTMUT) run --max-children $(MUTATION_JOBS) $(foreach m,$(MUTANTS),'$(m)') > mutmut-run.log 2>&1 \
		|| { tail -n 40 mutmut-run.log; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s, $(MUTATION_JOBS) workers (log: $(MUTATION_DIR)/mutmut-run.log)" \
		| tee $(MUTATION_DIR)/run-time
	cd $(MUTATION_DIR) && $(call VENV,$(MUTATION_PY))/bin/python $(ROOT)/hacking/mutation_report.py $(MUTMUT) \
		$(ROOT)/tests/mutation/equivalent.txt $(if $(MUTANTS),--partial) | tee report.txt
	$(if $(MUTANTS),,{ \
		echo "# Recorded by make mutation (hacking/mutation.mk) on $$(date -u +%Y-%m-%d), $(MUTATION_JOBS) workers, $$(nproc) cores"; \
		echo "commit: $$(cat $(MUTATION_DIR)/commit)$$([ -s $(MUTATION_DIR)/uncommitted ] && echo ' plus uncommitted changes')"; \
		cat $(MUTATION_DIR)/run-time; grep -v '^$$' $(MUTATION_DIR)/report.txt; \
	} > $(MUTATION_RECORD) && echo "recorded in $(MUTATION_RECORD): commit it with the tests")

mutation-record:
	@echo "== mutation testing of plugins/ (the last full make mutation, from $(MUTATION_RECORD))"
	@cat $(MUTATION_RECORD)
	@commit=$$(sed -n 's/^commit: \([0-9a-f]*\).*/\1/p' $(MUTATION_RECORD)); \
	if grep -q '^commit: [0-9a-f]* plus uncommitted' $(MUTATION_RECORD); then \
		echo "mutation record: made with uncommitted changes to plugins/ or tests/unit: rerun make mutation"; \
	elif git cat-file -e "$$commit^{commit}" 2>/dev/null && git diff --quiet "$$commit" HEAD -- plugins tests/unit; then \
		echo "mutation record: current (plugins/ and tests/unit are as they were at $$commit)"; \
	else \
		echo "mutation record: STALE, plugins/ or tests/unit changed since $$commit: rerun make mutation"; \
	fi
