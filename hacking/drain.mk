# make drain-demo: playbooks/proxy_drain.yml against the local endpoint with the demo data, as the README shows it,
# across the demo organisation (tools/chime_local/demo.py: the demo credentials' account manages it; its members
# are reached by assuming OrganizationAccountAccessRole through the endpoint's STS; the suspended one is left out)
# in us-east-1, numbers released:
#   1. the rehearsal (check mode, no write request) writes .build/drain/drain_plan.json and prints its digest;
#   2. the world moves on before the plan is applied: a new session and a new number on the prod account's connector;
#   3. the drain applies the plan (-e plan -e plan_digest -e drain_confirm=true): the session the plan did not list
#      is deleted with the rest (a connector is drained whole), the number it did not list is kept and named;
#   4. one number of the management account is brought back from the deletion queue with chime_phone_number;
#   5. the plan applied again finds nothing left to do.
.PHONY: drain-demo

DRAIN_DIR := $(BUILD)/drain
DRAIN = ansible-playbook telephony.chime.proxy_drain -e organization=$(DRAIN_DIR)/organization.yml -e regions=$$AWS_REGION \
	-e release_numbers=true -e report_dir=$(DRAIN_DIR)
DRAIN_APPLY = $(DRAIN) -e plan=$(DRAIN_DIR)/drain_plan.json -e plan_digest=$$(python3 -c "import json, sys; \
	print(json.load(open(sys.argv[1]))[\"digest\"])" $(DRAIN_DIR)/drain_plan.json) -e drain_confirm=true
# What changes between the review and the drain: a session and a number on the prod account's connector.
DRAIN_LATE = {"proxy_sessions": [{"VoiceConnectorId": "telephonyprodconnector", "ProxySessionId": "late-session-1", \
	"Status": "Open", "Capabilities": ["Voice"]}], "phone_numbers": [{"E164PhoneNumber": "+14155550199", \
	"account": "333333333333", "region": "us-east-1", \
	"Associations": [{"Name": "VoiceConnectorId", "Value": "telephonyprodconnector"}]}]}
RESTORE = ansible localhost -m telephony.chime.chime_phone_number \
	-a "phone_numbers=+19135550199 state=present endpoint_url=$$CHIME_ENDPOINT_URL"

drain-demo: tree-$(PY)
	rm -rf $(DRAIN_DIR) && mkdir -p $(DRAIN_DIR)
	printf '# The demo organisation: its members through the role AWS makes in the accounts it creates.\nmember_role_name: OrganizationAccountAccessRole\n' \
		> $(DRAIN_DIR)/organization.yml
	$(LOCAL_AWS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c '\
		export AWS_ENDPOINT_URL_STS=$$CHIME_ENDPOINT_URL AWS_ENDPOINT_URL_ORGANIZATIONS=$$CHIME_ENDPOINT_URL; \
		echo; echo "== $(DRAIN_DIR)/organization.yml"; cat $(DRAIN_DIR)/organization.yml; \
		echo; echo "== 1. rehearsal: $(DRAIN)"; $(DRAIN) && \
		echo && echo "== $(DRAIN_DIR)/drain_plan.json (summary)" && \
		python3 -c "import json, sys; p = json.load(open(sys.argv[1])); print(json.dumps(p[\"summary\"], indent=2))" \
			$(DRAIN_DIR)/drain_plan.json && \
		echo && echo "== 2. after the review, a new session and a new number on telephonyprodconnector (333333333333)" && \
		curl -fsS -X POST --data-binary '"'"'$(DRAIN_LATE)'"'"' $$CHIME_ENDPOINT_URL/_chime_local/seed && echo && \
		echo && echo "== 3. drain: ... -e plan=$(DRAIN_DIR)/drain_plan.json -e plan_digest=... -e drain_confirm=true" && \
		$(DRAIN_APPLY) && \
		echo && echo "== $(DRAIN_DIR)/drain_report.json (summary)" && \
		python3 -c "import json, sys; p = json.load(open(sys.argv[1])); print(json.dumps(p[\"summary\"], indent=2))" \
			$(DRAIN_DIR)/drain_report.json && \
		echo && echo "== 4. restore one number of 123456789012: $(RESTORE)" && $(RESTORE) && \
		echo && echo "== 5. the plan again: nothing left to do" && $(DRAIN_APPLY)'
