# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo ids of seeds/demo.yml and the fake credentials, written once.

Tests, the benchmark, the Makefile and the integration targets read them from here
(the integration targets through ``integration_config.yml``, which
hacking/integration_config.py writes).  The credentials are AWS's documented example
keys: the local endpoint accepts any keys unless it runs with ``--enforce-iam``.

``python tools/chime_local/demo.py env`` prints the credentials, the region and the demo
ids as shell assignments (the Makefile's LOCAL_AWS).  The demo organisation's accounts are here too; its root and
unit ids are moto's, drawn anew at each start and reset (GET /_chime_local/organization).
"""

from __future__ import annotations

import sys

# The voice connector and proxy session of the AWS CLI example `aws chime get-proxy-session`,
# both in seeds/demo.yml.
DEMO_CONNECTOR = "abcdef1ghij2klmno3pqr4"
EXAMPLE_SESSION = "123a4bc5-67d8-901e-2f3g-h4ghjk56789l"
# A connector of seeds/demo.yml without sessions.
EMPTY_CONNECTOR = "zyxwvu9tsrq8ponml7kjih"
# The account of the demo credentials (moto's default), and a second account of seeds/demo.yml, reached by assuming
# a role in it (the endpoint's STS is moto's, which lets any role be assumed unless IAM is enforced).
OWN_ACCOUNT = "123456789012"
SECOND_ACCOUNT = "222222222222"
SECOND_ACCOUNT_ROLE = f"arn:aws:iam::{SECOND_ACCOUNT}:role/ChimeAudit"
# The demo organisation (seeds/demo.yml, organization:): OWN_ACCOUNT manages it; SECOND_ACCOUNT is in the unit
# Telephony, PROD_ACCOUNT in Telephony/Prod, SUSPENDED_ACCOUNT (State and Status SUSPENDED) in Sandbox. Root and
# unit ids are moto's: ListRoots and ListOrganizationalUnitsForParent, or GET /_chime_local/organization, give them.
MANAGEMENT_ACCOUNT = OWN_ACCOUNT
PROD_ACCOUNT = "333333333333"
SUSPENDED_ACCOUNT = "444444444444"
ORGANIZATION_ACCOUNTS = (MANAGEMENT_ACCOUNT, SECOND_ACCOUNT, PROD_ACCOUNT, SUSPENDED_ACCOUNT)
UNIT_ACCOUNTS = {"Telephony": (SECOND_ACCOUNT,), "Telephony/Prod": (PROD_ACCOUNT,), "Sandbox": (SUSPENDED_ACCOUNT,)}
# Their connectors (us-east-1): PROD_ACCOUNT's has a proxy configuration, numbers and Open, InProgress and Closed
# sessions; SUSPENDED_ACCOUNT's one Open session, so that leaving the account out shows.
PROD_CONNECTOR = "telephonyprodconnector"
SUSPENDED_CONNECTOR = "sandboxconnector000001"
# Roles made in every member account: with --enforce-iam only these can be assumed (MEMBER_ROLE may do anything,
# the role of SECOND_ACCOUNT_ROLE's name, ChimeAudit, reads chime:Get* and chime:List*).
MEMBER_ROLE = "OrganizationAccountAccessRole"
# AWS's documented example key pair: never a real account's.
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def credentials_env() -> dict[str, str]:
    """The environment variables boto3 and the AWS CLI read the fake credentials and the region from."""
    return {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
    }


def integration_vars() -> dict[str, str]:
    """The values integration targets read as ``{{ chime_... }}`` from integration_config.yml."""
    return {
        "chime_access_key": ACCESS_KEY,
        "chime_secret_key": SECRET_KEY,
        "chime_region": REGION,
        "chime_demo_connector_id": DEMO_CONNECTOR,
        "chime_example_session_id": EXAMPLE_SESSION,
        "chime_empty_connector_id": EMPTY_CONNECTOR,
        "chime_own_account": OWN_ACCOUNT,
        "chime_second_account": SECOND_ACCOUNT,
        "chime_second_account_role": SECOND_ACCOUNT_ROLE,
        "chime_management_account": MANAGEMENT_ACCOUNT,
        "chime_prod_account": PROD_ACCOUNT,
        "chime_suspended_account": SUSPENDED_ACCOUNT,
        "chime_prod_connector_id": PROD_CONNECTOR,
        "chime_suspended_connector_id": SUSPENDED_CONNECTOR,
        "chime_member_role": MEMBER_ROLE,
    }


def main(argv: list[str]) -> int:
    if argv != ["env"]:
        print("usage: demo.py env", file=sys.stderr)
        return 2
    shown = {
        **credentials_env(),
        "CHIME_DEMO_CONNECTOR_ID": DEMO_CONNECTOR,
        "CHIME_EXAMPLE_SESSION_ID": EXAMPLE_SESSION,
    }
    print(" ".join(f"{name}={value}" for name, value in shown.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
