# telephony.chime: set-up and checks. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath .)
BUILD := $(ROOT)/.build
# Each Python from pyenv (its newest patch release installed) or from PATH.
PYTHON_FOR = $(shell v=$$(pyenv versions --bare 2>/dev/null | grep -E '^$(1)\.[0-9]+$$' | sort -t. -k3 -n | tail -n 1); \
	{ [ -n "$$v" ] && PYENV_VERSION=$$v pyenv which python$(1); } 2>/dev/null || command -v python$(1))
PYTHON_3.11 ?= $(call PYTHON_FOR,3.11)
PYTHON_3.12 ?= $(call PYTHON_FOR,3.12)
PYTHON_3.13 ?= $(call PYTHON_FOR,3.13)
# One ansible-core per Python, each with the amazon.aws its `ansible` package brings (requirements-dev.txt):
# 3.11 ansible 12 (ansible-core 2.19, amazon.aws 10), 3.12 ansible 13 (2.20, amazon.aws 10), 3.13 ansible 14
# (2.21, amazon.aws 11). `make test PYTHONS="3.11 3.13"` runs only those.
PYTHONS ?= 3.11 3.12 3.13
ANSIBLE_CORE_3.11 := 2.19
ANSIBLE_CORE_3.12 := 2.20
ANSIBLE_CORE_3.13 := 2.21
# The default Python: ansible-core 2.19 with amazon.aws 10.
PY ?= 3.11
# The floor: the oldest boto3 and botocore that requirements.txt claims, with ansible-core 2.19 on Python 3.11, in
# .build/venv-floor (units and one integration target: `make units-floor integration-floor`).
FLOOR_PY := 3.11
PYTHON_floor = $(PYTHON_$(FLOOR_PY))
FLOOR_PINS = $(shell sed -n 's/^\(boto3\|botocore\)>=\([0-9.]*\).*/\1==\2/p' $(ROOT)/requirements.txt)
FLOOR_INTEGRATION_TARGETS := chime_proxy_session_info
VENV = $(BUILD)/venv-$(1)
TREE = $(BUILD)/tree-$(1)
COLLECTION = $(call TREE,$(1))/ansible_collections/telephony/chime
ANSIBLE_TEST_CACHE := $(HOME)/.ansible/test/cache
export ANSIBLE_COLLECTIONS_PATH = $(call TREE,$(PY))
export PATH := $(call VENV,$(PY))/bin:$(PATH)

.PHONY: help check-pythons checks-floor $(foreach v,$(PYTHONS),checks-$(v)) units-floor integration-floor venv tree integration endpoint-tests demo $(foreach v,$(PYTHONS),tree-$(v)) bootstrap-ansible-test setup units sanity lint test demo clean

help:
	@echo "make demo   run the main job against the local endpoint with the built-in demo data"
	@echo "make test   run every test (unit, sanity and integration on ansible-core 2.19, 2.20 and 2.21, lint, ...)"
	@echo "make drain-demo   the drain across the demo organisation: rehearsal, plan, the plan applied"
	@echo "make drain-demo RATE_LIMIT=5   the same against an endpoint that throttles beyond 5 requests a second"
	@echo "make inventory    the audit of the demo organisation, its accounts found with AWS Organizations"
	@echo "make setup  only build the virtual environments and the ansible_collections trees"

# Before anything is built: every Python of PYTHONS is there, or one line says which is missing and what to do.
MISSING_PYTHONS = $(foreach v,$(PYTHONS),$(if $(PYTHON_$(v)),,$(v)))
HAVE_PYTHONS = $(foreach v,3.11 3.12 3.13,$(if $(PYTHON_$(v)),$(v)))
MISSING_PYTHON_MSG = Python $(1) is missing (ansible-core $(ANSIBLE_CORE_$(1)) is tested on it): install it with \
	`pyenv install $(1)`, or run the versions you have: make test PYTHONS="$(strip $(HAVE_PYTHONS))"
check-pythons:
	@$(if $(strip $(MISSING_PYTHONS)),echo 'make: $(call MISSING_PYTHON_MSG,$(firstword $(MISSING_PYTHONS)))' >&2; exit 1,:)

# One virtual environment per Python, from the package index.
$(BUILD)/venv-3.11/.done: requirements-lint.txt
$(BUILD)/venv-%/.done: requirements-dev.txt tools/chime_local/requirements.txt
	@$(if $(PYTHON_$*),:,echo 'make: $(call MISSING_PYTHON_MSG,$*)' >&2; exit 1)
	rm -rf $(call VENV,$*)
	$(PYTHON_$*) -m venv $(call VENV,$*)
	$(call VENV,$*)/bin/python -m pip install -q --upgrade pip
	$(call VENV,$*)/bin/python -m pip install -q -r requirements-dev.txt
	if [ "$*" = 3.11 ]; then $(call VENV,$*)/bin/python -m pip install -q -r requirements-lint.txt; fi
	if [ "$*" = floor ]; then $(call VENV,$*)/bin/python -m pip install -q $(FLOOR_PINS); fi
	touch $@
$(BUILD)/venv-floor/.done: requirements.txt

venv: $(foreach v,$(PYTHONS),$(BUILD)/venv-$(v)/.done)

# ansible-test needs ansible_collections/telephony/chime with amazon.aws beside it. amazon.aws is a
# symlink to the copy that the `ansible` package installed in that venv. This checkout is copied, not
# linked: pytest and ansible-test resolve symlinks, and a resolved path outside ansible_collections/
# is refused. The copy holds what git would commit (tracked and untracked, not ignored) and is
# refreshed on every run.
$(BUILD)/tree-%/amazon.done: $(BUILD)/venv-%/.done
	mkdir -p $(call TREE,$*)/ansible_collections/amazon
	ln -sfn "$$($(call VENV,$*)/bin/python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')" \
		$(call TREE,$*)/ansible_collections/amazon/aws
	touch $@

$(foreach v,$(PYTHONS) floor,tree-$(v)): tree-%: $(BUILD)/tree-%/amazon.done
	rm -rf $(call COLLECTION,$*) && mkdir -p $(call COLLECTION,$*)
	git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - \
		| tar -xf - -C $(call COLLECTION,$*)
	git -C $(call COLLECTION,$*) init -q  # its own repository, so that ansible-test lists the copy, not .build's parent

tree: $(foreach v,$(PYTHONS),tree-$(v))

# ansible-test bootstraps pip in its venvs with a get-pip script from a host out of reach here;
# its own error message says to seed the cache. The stand-in installs pip's wheel from the index.
bootstrap-ansible-test: venv
	mkdir -p $(ANSIBLE_TEST_CACHE)
	for v in $(PYTHONS); do \
		for pip in $$($(call VENV,$$v)/bin/python hacking/pip_versions.py); do \
			$(call VENV,$$v)/bin/python -m pip download -q --no-deps --only-binary :all: -d $(ANSIBLE_TEST_CACHE) "pip==$$pip"; \
			cp hacking/get_pip_standin.py $(ANSIBLE_TEST_CACHE)/get_pip_$${pip//./_}.py; \
		done; \
	done

setup: check-pythons venv tree bootstrap-ansible-test

# ansible-test runs from inside the collection tree.
ANSIBLE_TEST = cd $(call COLLECTION,$(1)) && PATH=$(call VENV,$(1))/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(call TREE,$(1)) $(call VENV,$(1))/bin/ansible-test

# One Python's units and sanity; the loops below and `checks-%` run them.
CORE_OF = $$($(call VENV,$(1))/bin/python -c "from ansible.release import __version__ as v; print('ansible-core', v)")
RUN_UNITS = echo "== ansible-test units, Python $(1), $(call CORE_OF,$(1))"; \
	$(call ANSIBLE_TEST,$(1)) units --python $(1) --color no $(UNITS_COVERAGE)
RUN_SANITY = echo "== ansible-test sanity, Python $(1), $(call CORE_OF,$(1))"; \
	$(call ANSIBLE_TEST,$(1)) sanity --python $(1) --color no --requirements

units: setup
	for v in $(PYTHONS); do $(call RUN_UNITS,$$v); done

sanity: setup
	for v in $(PYTHONS); do $(call RUN_SANITY,$$v); done

lint: $(BUILD)/venv-$(PY)/.done tree-$(PY)
	ansible-lint --profile production

DEMO_SEED := tools/chime_local/seeds/demo.yml
# RATE_LIMIT=R (`make demo RATE_LIMIT=5`, drain-demo, inventory): the local endpoint throttles each account and
# region beyond R requests a second (burst R), answering ThrottledClientException as AWS does.
RATE_LIMIT ?=
WITH_ENDPOINT = CHIME_SERVER_ARGS="$(if $(RATE_LIMIT),--rate-limit $(RATE_LIMIT))" \
	hacking/with_endpoint.sh $(call VENV,$(1))/bin/python $(DEMO_SEED)
# Dummy credentials, region and demo ids (tools/chime_local/demo.py, their one place): the local endpoint
# accepts any credentials unless it enforces IAM.
LOCAL_AWS = $(shell python3 tools/chime_local/demo.py env)

# The floor of requirements.txt: the unit tests, and FLOOR_INTEGRATION_TARGETS against the local endpoint (which
# runs on the same botocore: its model is the floor's too).
RUN_UNITS_FLOOR = echo "== ansible-test units, Python $(FLOOR_PY), $$($(call VENV,floor)/bin/python -c "import ansible.release, boto3, botocore; print('ansible-core', ansible.release.__version__, 'boto3', boto3.__version__, 'botocore', botocore.__version__)")"; \
	$(call ANSIBLE_TEST,floor) units --python $(FLOOR_PY) --color no
RUN_INTEGRATION_FLOOR = echo "== ansible-test integration, Python $(FLOOR_PY), $(FLOOR_PINS)"; \
	CHIME_COVERAGE=0 CHIME_TARGETS="$(FLOOR_INTEGRATION_TARGETS)" hacking/run_integration.sh $(FLOOR_PY) floor
units-floor: check-pythons $(BUILD)/venv-floor/.done tree-floor bootstrap-ansible-test
	$(RUN_UNITS_FLOOR)

integration-floor: check-pythons $(BUILD)/venv-floor/.done tree-floor bootstrap-ansible-test
	$(RUN_INTEGRATION_FLOOR)

# The local endpoint's own tests (backend, validation, faults, IAM, server).
RUN_ENDPOINT_TESTS = echo "== local endpoint tests, Python $(1)"; \
	$(call VENV,$(1))/bin/python -m pytest -q -p no:cacheprovider tests/chime_local
endpoint-tests: setup
	for v in $(PYTHONS); do $(call RUN_ENDPOINT_TESTS,$$v); done

# ansible-test integration against the local endpoint, on both ansible-core versions (hacking/run_integration.sh:
# every target, each with its own endpoint; `chime_local/enforce_iam` in a target's aliases enforces IAM).
RUN_INTEGRATION = echo "== ansible-test integration, Python $(1)"; hacking/run_integration.sh $(1)
integration: setup
	for v in $(PYTHONS); do $(call RUN_INTEGRATION,$$v); done

# Everything one Python's venv and tree copy run, one after another (they share the tree's tests/output): units,
# sanity, the endpoint's tests, integration, each in its own subshell (ANSIBLE_TEST changes directory). Each line is prefixed with the Python, since `make test` runs two of these
# at once. `checks-floor` is the floor's units and integration target.
$(foreach v,$(PYTHONS),checks-$(v)): checks-%: check-pythons $(BUILD)/venv-%/.done tree-% bootstrap-ansible-test
	( set -e; ($(call RUN_UNITS,$*)); ($(call RUN_SANITY,$*)); ($(call RUN_ENDPOINT_TESTS,$*)); ($(call RUN_INTEGRATION,$*)) ) \
		2>&1 | sed -u 's/^/[$*] /'
checks-floor: check-pythons $(BUILD)/venv-floor/.done tree-floor bootstrap-ansible-test
	( set -e; ($(RUN_UNITS_FLOOR)); ($(RUN_INTEGRATION_FLOOR)) ) 2>&1 | sed -u 's/^/[floor] /'

# The main job: the local endpoint with the demo data, the rollout check playbook, the same query ad hoc.
demo: tree-$(PY)
	$(LOCAL_AWS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c '\
		echo; echo "== ansible-playbook playbooks/proxy_session_check.yml"; \
		ansible-playbook playbooks/proxy_session_check.yml && \
		echo && echo "== ansible localhost -m telephony.chime.chime_proxy_session_info (ad hoc)" && \
		ansible localhost -m telephony.chime.chime_proxy_session_info -a \
			"voice_connector_id=$$CHIME_DEMO_CONNECTOR_ID proxy_session_id=$$CHIME_EXAMPLE_SESSION_ID endpoint_url=$$CHIME_ENDPOINT_URL"'

# Every test. The two cores each take one chain at a time (a Python's checks, the floor, lint; ~15 minutes for each
# Python), which cuts `make test` from 56 to about 30 minutes on this machine. The coverage report reads what units
# and integration collected in the tree copies before release-checks and bench-smoke rebuild tree-$(PY).
TEST_CHAINS = $(foreach v,$(PYTHONS),checks-$(v)) checks-floor lint
test: check-pythons
	$(MAKE) --no-print-directory venv $(BUILD)/venv-floor/.done bootstrap-ansible-test
	$(MAKE) --no-print-directory -j2 $(TEST_CHAINS)
	$(MAKE) --no-print-directory coverage-report
	$(MAKE) --no-print-directory release-checks bench-smoke mutation-record

include hacking/release.mk
# Benchmarks (hacking/perf.mk): bench, bench-smoke, bench-inventory, bench-org-inventory, bench-org-accounts,
# bench-drain, bench-drain-org, bench-throttled.
include hacking/perf.mk
include hacking/drain.mk
include hacking/inventory.mk
include hacking/coverage.mk
include hacking/mutation.mk

clean:
	rm -rf $(BUILD) tests/output
