# make inventory: playbooks/proxy_inventory.yml against the local endpoint with the demo data, as the README shows
# it: the demo organisation, found through the endpoint's AWS Organizations (AWS_ENDPOINT_URL_ORGANIZATIONS) from its
# management account (the demo credentials'), each member reached by assuming ChimeAudit through the endpoint's STS
# (AWS_ENDPOINT_URL_STS), the suspended one left out, in us-east-1 and us-west-2. It writes
# .build/inventory/proxy_inventory.json, proxy_sessions.csv and proxy_numbers.csv, numbers masked, and prints the
# totals. INVENTORY_REGIONS=us-east-1,us-west-2,eu-west-1 chooses the regions; INVENTORY_ARGS passes more -e options.
.PHONY: inventory

INVENTORY_DIR := $(BUILD)/inventory
INVENTORY_REGIONS ?= us-east-1,us-west-2
INVENTORY_ORGANIZATION := {"member_role_name": "ChimeAudit"}
INVENTORY_ARGS ?=

inventory: tree-$(PY)
	rm -rf $(INVENTORY_DIR)
	$(LOCAL_AWS) ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c 'AWS_ENDPOINT_URL_STS=$$CHIME_ENDPOINT_URL AWS_ENDPOINT_URL_ORGANIZATIONS=$$CHIME_ENDPOINT_URL \
		ansible-playbook telephony.chime.proxy_inventory -e regions=$(INVENTORY_REGIONS) -e output_dir=$(INVENTORY_DIR) \
		-e '"'"'{"organization": $(INVENTORY_ORGANIZATION)}'"'"' $(INVENTORY_ARGS)'
	@echo; echo "== $(INVENTORY_DIR)/proxy_sessions.csv (first rows)"; head -n 4 $(INVENTORY_DIR)/proxy_sessions.csv
	@echo; echo "== $(INVENTORY_DIR)/proxy_numbers.csv (first rows)"; head -n 4 $(INVENTORY_DIR)/proxy_numbers.csv
