# make inventory: playbooks/proxy_inventory.yml against the local endpoint with the demo data (connectors with and
# without proxy configuration, numbers and sessions in us-east-1 and us-west-2), as the README shows it. It writes
# .build/inventory/proxy_inventory.json and proxy_inventory.csv, numbers masked, and prints the totals by region.
# INVENTORY_REGIONS=us-east-1,us-west-2,eu-west-1 chooses the regions; INVENTORY_ARGS passes more -e options.
.PHONY: inventory

INVENTORY_DIR := $(BUILD)/inventory
INVENTORY_REGIONS ?= us-east-1,us-west-2
INVENTORY_ARGS ?=

inventory: tree-$(PY)
	rm -rf $(INVENTORY_DIR)
	$(LOCAL_AWS) ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	$(call WITH_ENDPOINT,$(PY)) ansible-playbook telephony.chime.proxy_inventory \
		-e regions=$(INVENTORY_REGIONS) -e output_dir=$(INVENTORY_DIR) $(INVENTORY_ARGS)
	@echo; echo "== $(INVENTORY_DIR)/proxy_inventory.csv (first rows)"; head -n 4 $(INVENTORY_DIR)/proxy_inventory.csv
