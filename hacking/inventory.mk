# make inventory: playbooks/proxy_inventory.yml against the local endpoint with the demo data, as the README shows
# it: two accounts, the demo credentials' own (123456789012) and a second one (222222222222) reached by assuming a
# role in it through the endpoint's STS (AWS_ENDPOINT_URL_STS), in us-east-1 and us-west-2. It writes
# .build/inventory/proxy_inventory.json, proxy_sessions.csv and proxy_numbers.csv, numbers masked, and prints the
# totals. INVENTORY_REGIONS=us-east-1,us-west-2,eu-west-1 chooses the regions; INVENTORY_ARGS passes more -e options.
.PHONY: inventory

INVENTORY_DIR := $(BUILD)/inventory
INVENTORY_REGIONS ?= us-east-1,us-west-2
INVENTORY_ACCOUNTS := [{"role_arn": "arn:aws:iam::123456789012:role/ChimeAudit"}, {"role_arn": "arn:aws:iam::222222222222:role/ChimeAudit"}]
INVENTORY_ARGS ?=

inventory: tree-$(PY)
	rm -rf $(INVENTORY_DIR)
	$(LOCAL_AWS) ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) bash -c 'AWS_ENDPOINT_URL_STS=$$CHIME_ENDPOINT_URL ansible-playbook \
		telephony.chime.proxy_inventory -e regions=$(INVENTORY_REGIONS) -e output_dir=$(INVENTORY_DIR) \
		-e '"'"'{"accounts": $(INVENTORY_ACCOUNTS)}'"'"' $(INVENTORY_ARGS)'
	@echo; echo "== $(INVENTORY_DIR)/proxy_sessions.csv (first rows)"; head -n 4 $(INVENTORY_DIR)/proxy_sessions.csv
	@echo; echo "== $(INVENTORY_DIR)/proxy_numbers.csv (first rows)"; head -n 4 $(INVENTORY_DIR)/proxy_numbers.csv
