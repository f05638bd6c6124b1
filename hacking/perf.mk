# Benchmarks of telephony.chime.chime_proxy_session_info against the AWS CLI and plain boto3, included by the
# Makefile (BUILD, VENV, PYTHON_3.11 and tree-3.11 come from there). See docs/performance.md.
#
#   bench        the full run: medians of 5 runs, 500 ids, 10,000 sessions listed, pool sizes 1 to 50, fault
#                rehearsal at full size (about 12 minutes on 2 cores); prints the table docs/performance.md shows
#   bench-smoke  the same program at small sizes, one run each (about 65 s; 80 s with a fresh AWS CLI venv):
#                checks counts, request numbers, ids each once, max_in_flight and the fault rehearsal, not
#                timings; then the drain's at small sizes (about 10 s, every session deleted once), then the
#                throttled benchmark's (about 30 s), then the organisation's (about 25 s: 5 and 10 accounts, counts
#                only), then the organisation's drain (2 x 2 x 2 x 20, counts only); part of `make test`
#   bench-throttled  the drain and the audit under the endpoint's rate limit against the boto3 scripts (issue 26,
#                tests/perf/bench_throttled.py, below; about 14 minutes); `make bench` runs it last
#
# BENCH_ARGS passes options through, e.g. `make bench BENCH_ARGS="--only many --runs 3"`.

PERF_PY := 3.11
AWSCLI_VENV := $(BUILD)/venv-awscli
BENCH = $(call VENV,$(PERF_PY))/bin/python tests/perf/bench.py --python $(call VENV,$(PERF_PY))/bin/python \
	--tree $(call TREE,$(PERF_PY)) --awscli $(AWSCLI_VENV)/bin/aws
BENCH_ARGS ?=
BENCH_DRAIN = $(call VENV,$(PERF_PY))/bin/python tests/perf/bench_drain.py --python $(call VENV,$(PERF_PY))/bin/python \
	--tree $(call TREE,$(PERF_PY))
BENCH_THROTTLED = $(call VENV,$(PERF_PY))/bin/python tests/perf/bench_throttled.py \
	--python $(call VENV,$(PERF_PY))/bin/python --tree $(call TREE,$(PERF_PY))
BENCH_THROTTLED_ARGS ?=
BENCH_ORG_ACCOUNTS = $(call VENV,$(PERF_PY))/bin/python tests/perf/bench_org_accounts.py \
	--python $(call VENV,$(PERF_PY))/bin/python --tree $(call TREE,$(PERF_PY))
BENCH_ORG_ACCOUNTS_ARGS ?=
BENCH_DRAIN_ORG = $(call VENV,$(PERF_PY))/bin/python tests/perf/bench_drain_org.py \
	--python $(call VENV,$(PERF_PY))/bin/python --tree $(call TREE,$(PERF_PY))
BENCH_DRAIN_ORG_ARGS ?=

.PHONY: bench bench-smoke

# The AWS CLI in a venv of its own, pinned: it ships its own botocore and must not touch the collection's.
$(AWSCLI_VENV)/.done: tests/perf/requirements-awscli.txt
	rm -rf $(AWSCLI_VENV)
	$(PYTHON_$(PERF_PY)) -m venv $(AWSCLI_VENV)
	$(AWSCLI_VENV)/bin/python -m pip install -q -r tests/perf/requirements-awscli.txt
	touch $@

bench: tree-$(PERF_PY) $(AWSCLI_VENV)/.done
	$(BENCH) $(BENCH_ARGS)
	$(BENCH_THROTTLED) $(BENCH_THROTTLED_ARGS)

bench-smoke: tree-$(PERF_PY) $(AWSCLI_VENV)/.done
	$(BENCH) --smoke $(BENCH_ARGS)
	$(BENCH_DRAIN) --smoke
	$(BENCH_THROTTLED) --smoke
	$(BENCH_ORG_ACCOUNTS) --smoke
	$(BENCH_DRAIN_ORG) --smoke

# The whole-region inventory of issue 10 (tests/perf/bench_inventory.py): 200 connectors, 10,000 sessions in one
# chime_proxy_session_info task, 200 proxy configurations in one chime_voice_connector_info task, each against
# Ansible's own cost for the same result, a boto3 loop and an AWS CLI script. About 6 minutes at full size (the
# AWS CLI script alone starts 252 processes); BENCH_INVENTORY_ARGS=--smoke checks it in about 35 s.
# Then the organisation-wide inventory of issue 16 (tests/perf/bench_org_inventory.py): 10 regions x 20 connectors
# x 500 sessions in one chime_proxy_inventory task against the boto3 script of tests/perf/peer_inventory_boto3.py.
# BENCH_ORG_ARGS passes its own options (--runs N, --max-regions N). Then the drain of issue 17 (bench-drain below),
# the organisation of issue 27 (bench-org-accounts below), and last the organisation's drain of issue 28
# (bench-drain-org below).
BENCH_INVENTORY_ARGS ?=
BENCH_ORG_ARGS ?=
.PHONY: bench-inventory bench-org-inventory
bench-inventory: tree-$(PERF_PY) $(AWSCLI_VENV)/.done
	$(call VENV,$(PERF_PY))/bin/python tests/perf/bench_inventory.py --python $(call VENV,$(PERF_PY))/bin/python \
		--tree $(call TREE,$(PERF_PY)) --awscli $(AWSCLI_VENV)/bin/aws $(BENCH_INVENTORY_ARGS)
	$(call VENV,$(PERF_PY))/bin/python tests/perf/bench_org_inventory.py --python $(call VENV,$(PERF_PY))/bin/python \
		--tree $(call TREE,$(PERF_PY)) $(filter --smoke,$(BENCH_INVENTORY_ARGS)) $(BENCH_ORG_ARGS)
	$(BENCH_DRAIN) $(filter --smoke,$(BENCH_INVENTORY_ARGS)) $(BENCH_DRAIN_ARGS)
	$(BENCH_ORG_ACCOUNTS) $(filter --smoke,$(BENCH_INVENTORY_ARGS)) $(BENCH_ORG_ACCOUNTS_ARGS)
	$(BENCH_DRAIN_ORG) $(filter --smoke,$(BENCH_INVENTORY_ARGS)) $(BENCH_DRAIN_ORG_ARGS)

bench-org-inventory: tree-$(PERF_PY)
	$(call VENV,$(PERF_PY))/bin/python tests/perf/bench_org_inventory.py --python $(call VENV,$(PERF_PY))/bin/python \
		--tree $(call TREE,$(PERF_PY)) $(filter --smoke,$(BENCH_INVENTORY_ARGS)) $(BENCH_ORG_ARGS)

# Each failure class of the retry layer against the local endpoint (tests/perf/failure_classes.py): retried or
# not, the requests the endpoint saw, the seconds it took. About a minute; fails when a request count is off.
.PHONY: failure-classes
failure-classes: tree-$(PERF_PY)
	$(call VENV,$(PERF_PY))/bin/python tests/perf/failure_classes.py --tree $(call TREE,$(PERF_PY))

# The drain of issue 17 (tests/perf/bench_drain.py): one connector with 2,000 open sessions against the same
# playbook on an empty connector (requests, and time beyond it), and a region of 20 connectors x 100 sessions in one
# run, each against a plain boto3 script. About a minute; `make bench-inventory` runs it too. BENCH_DRAIN_ARGS=--smoke
# checks it in about 10 s (and `make bench-smoke` does).
BENCH_DRAIN_ARGS ?=
.PHONY: bench-drain
bench-drain: tree-$(PERF_PY)
	$(BENCH_DRAIN) $(BENCH_DRAIN_ARGS)

# The drain and the audit under AWS's rate limit (issue 26, tests/perf/bench_throttled.py): the endpoint at 20 ms a
# request with a token bucket per account and region (burst = rate); the drain of 2,000 sessions at 20 and 5
# requests a second and of 200 at 1 (each beside the same playbook on an empty connector), the audit of 10 regions x
# 20 connectors x 500 sessions at 20 and 5 a region, each beside its boto3 script at the same rate. Nothing lost,
# requests served and the result's pace figures fail it; timings print as MET / NOT MET. About 14 minutes (the
# quota, not the machine, sets it); needs no AWS CLI. BENCH_THROTTLED_ARGS passes options (--smoke, about 30 s and
# part of `make bench-smoke`; --only drain|audit; --rates 20,5,200@1; --runs N).
.PHONY: bench-throttled
bench-throttled: tree-$(PERF_PY)
	$(BENCH_THROTTLED) $(BENCH_THROTTLED_ARGS)

# The organisation of issue 27 (tests/perf/bench_org_accounts.py): 500 ACTIVE and 20 suspended accounts seeded with
# the endpoint's generate_accounts, each with a connector of 10 sessions in 2 regions, 20 ms a request (STS and
# Organizations too, through tests/perf/aws_counter.py). Discovery, 500 AssumeRole and the audit in one
# chime_proxy_inventory task beside the boto3 script of tests/perf/peer_org_accounts_boto3.py, 3 runs each; the
# script with 64 threads and with a Session per account, the task with max_regions: 10; scaling at 50, 100, 200 and
# 500 accounts; the module process profiled (cProfile, every thread). About 15 minutes; the counts fail it, timings
# print as MET / NOT MET. BENCH_ORG_ACCOUNTS_ARGS passes options (--smoke, about 25 s and part of `make bench-smoke`;
# --sizes 50,500; --runs N; --threads 32,64; --no-profile; --markdown FILE).
.PHONY: bench-org-accounts
bench-org-accounts: tree-$(PERF_PY)
	$(BENCH_ORG_ACCOUNTS) $(BENCH_ORG_ACCOUNTS_ARGS)

# The organisation's drain from a plan (issue 28, tests/perf/bench_drain_org.py): 20 accounts x 3 regions x 5
# connectors x 100 sessions (30,000) at 20 ms a request, reached by AssumeRole through the endpoint's STS. The
# playbook's rehearsal writes the plan and its confirmed run applies it, beside today's loop (the playbook once per
# account and region, 60 runs) and the boto3 script of tests/perf/peer_drain_org_boto3.py; then the same drain and
# script throttled at 5 requests a second per account and region. Requests operation by operation, nothing left on
# the endpoint, at most max_concurrency in flight per account and region and the result's pace figures fail it;
# timings print as MET / NOT MET. BENCH_DRAIN_ORG_ARGS passes options (--smoke, part of `make bench-smoke`;
# --only unthrottled|throttled; --loop-runs N to time the first N runs of the loop; --runs N; --wait-load L).
.PHONY: bench-drain-org
bench-drain-org: tree-$(PERF_PY)
	$(BENCH_DRAIN_ORG) $(BENCH_DRAIN_ORG_ARGS)
