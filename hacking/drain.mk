# make drain-demo: playbooks/proxy_drain.yml against the local endpoint with the demo data, as the README shows it:
# first the rehearsal (check mode, no write request), then the drain itself (-e drain_confirm=true), then a rerun
# that finds nothing left to do. Each run reads the same endpoint, so the rehearsal's counts are the drain's plan.
.PHONY: drain-demo

DRAIN = ansible-playbook telephony.chime.proxy_drain -e voice_connector_id=$$CHIME_DEMO_CONNECTOR_ID -e region=$$AWS_REGION

drain-demo: tree-$(PY)
	$(LOCAL_AWS) ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c '\
		echo; echo "== rehearsal: $(DRAIN)"; $(DRAIN) && \
		echo && echo "== drain: $(DRAIN) -e drain_confirm=true" && $(DRAIN) -e drain_confirm=true && \
		echo && echo "== again, nothing left to do" && $(DRAIN) -e drain_confirm=true'
