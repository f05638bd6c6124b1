# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write tests/integration/integration_config.yml for ansible-test integration.

Usage: python hacking/integration_config.py ENDPOINT_URL OUTPUT.yml
It carries the local endpoint's URL; the demo ids and fake credentials of tools/chime_local/demo.py
(chime_access_key, chime_secret_key, chime_region, chime_demo_connector_id, chime_example_session_id,
chime_empty_connector_id); and the minimal IAM policy exactly as the IAM docs page shows it, so that the
IAM target proves the documented policy, not a copy of it.
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IAM_PAGE = ROOT / "docs" / "docsite" / "rst" / "iam.rst"
sys.path.insert(0, str(ROOT / "tools"))

from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position


def documented_policy() -> dict:
    page = IAM_PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^\.\. code-block:: json\n\n((?:   .*\n|\n)+)", page, re.MULTILINE)
    if len(blocks) != 1:
        raise SystemExit(f"{IAM_PAGE}: expected one JSON policy block, found {len(blocks)}")
    return json.loads(blocks[0])


def main() -> None:
    endpoint_url, output = sys.argv[1:3]
    config = {
        "chime_endpoint_url": endpoint_url,
        **demo.integration_vars(),
        "chime_documented_policy": documented_policy(),
    }
    Path(output).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
