# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module without network I/O for tests/perf/bench_inventory.py: Ansible's own floor for a large result.

It returns the keys of a JSON object stored in a file (what chime_proxy_session_info or chime_voice_connector_info
returned), so that a playbook that registers it costs what Ansible costs for that result and nothing more. Used
through ANSIBLE_LIBRARY=tests/perf/library; not part of the collection.
"""

import json

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(argument_spec={"path": {"type": "path", "required": True}}, supports_check_mode=True)
    with open(module.params["path"], encoding="utf-8") as handle:
        result = json.load(handle)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
