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

.PHONY: mutation

mutation: $(BUILD)/venv-$(MUTATION_PY)/.done
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_COLLECTION)
	git ls-files -z --cached --others --exclude-standard \
		| tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(MUTATION_COLLECTION)
	cp tests/mutation/mutmut.cfg $(MUTATION_DIR)/setup.cfg
	@start=$$(date +%s); \
	cd $(MUTATION_DIR) && $(MUTMUT) run --max-children $(MUTATION_JOBS) $(foreach m,$(MUTANTS),'$(m)') > mutmut-run.log 2>&1 \
		|| { tail -n 40 mutmut-run.log; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s, $(MUTATION_JOBS) workers (log: $(MUTATION_DIR)/mutmut-run.log)"
	cd $(MUTATION_DIR) && $(call VENV,$(MUTATION_PY))/bin/python $(ROOT)/hacking/mutation_report.py $(MUTMUT) \
		$(ROOT)/tests/mutation/equivalent.txt $(if $(MUTANTS),--partial)
