# make drain-demo: playbooks/proxy_drain.yml against the local endpoint with the demo data, as the README shows it,
# over two connectors of us-east-1 (the demo connector and eastproxyconnector0001) with their numbers released:
# first the rehearsal (check mode, no write request), then the drain itself (-e drain_confirm=true, the report in
# .build/drain/drain_report.json), then one number brought back from the deletion queue with chime_phone_number,
# then a rerun that finds nothing left to do.
.PHONY: drain-demo

DRAIN_DIR := $(BUILD)/drain
DRAIN = ansible-playbook telephony.chime.proxy_drain -e voice_connector_ids=$$CHIME_DEMO_CONNECTOR_ID,eastproxyconnector0001 \
	-e region=$$AWS_REGION -e release_numbers=true -e report_dir=$(DRAIN_DIR)
RESTORE = ansible localhost -m telephony.chime.chime_phone_number \
	-a "phone_numbers=+19135550199 state=present endpoint_url=$$CHIME_ENDPOINT_URL"

drain-demo: tree-$(PY)
	rm -rf $(DRAIN_DIR) && mkdir -p $(DRAIN_DIR)
	$(LOCAL_AWS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c '\
		echo; echo "== rehearsal: $(DRAIN)"; $(DRAIN) && \
		echo && echo "== drain: ... -e drain_confirm=true" && $(DRAIN) -e drain_confirm=true && \
		echo && echo "== $(DRAIN_DIR)/drain_report.json" && cat $(DRAIN_DIR)/drain_report.json && \
		echo && echo "== restore one number: $(RESTORE)" && $(RESTORE) && \
		echo && echo "== again, nothing left to do" && $(DRAIN) -e drain_confirm=true'
