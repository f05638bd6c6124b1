# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM helpers for the local endpoint started with ``--enforce-iam``.

With enforcement on, moto checks every request's SigV4 signature against the access
keys of its own IAM backend and the caller's policies (``chime:<Operation>`` for this
service, ``organizations:<Operation>`` and ``sts:AssumeRole`` for the organisation).  There are no root credentials in moto, so the server bootstraps an admin
user itself, in-process (``bootstrap_admin``), and hands its keys out on the control
API (``GET /_chime_local/iam/admin``, which is not subject to IAM).  Tests then create
principals *through the endpoint* with those admin keys (``create_principal``).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

ADMIN_USER = "chime-local-admin"
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DEFAULT_ACCOUNT_ID = "123456789012"
# The Organizations operations that discover an organisation's accounts, paths and units.
ORGANIZATIONS_DISCOVERY = (
    "ListRoots",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "ListParents",
    "DescribeOrganizationalUnit",
    "ListAccounts",
)


def bootstrap_admin(account_id: str = DEFAULT_ACCOUNT_ID) -> dict[str, str]:
    """Create (once) an IAM user allowed everything, directly in moto's IAM backend."""
    from .moto_shim import iam_backend  # pylint: disable=import-outside-toplevel

    backend = iam_backend(account_id)
    if ADMIN_USER not in backend.users:
        backend.create_user(region_name="us-east-1", user_name=ADMIN_USER)
        backend.put_user_policy(ADMIN_USER, "chime-local-admin", json.dumps(ADMIN_POLICY))
    user = backend.users[ADMIN_USER]
    active = [key for key in user.access_keys if key.status == "Active"]
    key = active[0] if active else backend.create_access_key(ADMIN_USER)
    return {
        "AccessKeyId": key.access_key_id,
        "SecretAccessKey": key.secret_access_key,
        "UserName": ADMIN_USER,
        "AccountId": account_id,
    }


def service_policy(prefix: str, *operations: str, effect: str = "Allow", resource: str = "*") -> dict[str, Any]:
    """An identity policy for ``<prefix>:<Operation>`` actions, e.g. ``service_policy("sts", "AssumeRole")``."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": [f"{prefix}:{op}" for op in operations], "Resource": resource}],
    }


def chime_policy(*operations: str, effect: str = "Allow") -> dict[str, Any]:
    """An identity policy for ``chime:<Operation>`` actions, e.g. ``chime_policy("GetProxySession")``."""
    return service_policy("chime", *operations, effect=effect)


def organizations_policy(*operations: str, effect: str = "Allow") -> dict[str, Any]:
    """An identity policy for ``organizations:<Operation>`` actions; without operations, those that discover an
    organisation's accounts (``ORGANIZATIONS_DISCOVERY``)."""
    return service_policy("organizations", *(operations or ORGANIZATIONS_DISCOVERY), effect=effect)


def combined_policy(*policies: dict[str, Any]) -> dict[str, Any]:
    """One policy with the statements of several (e.g. Organizations discovery, sts:AssumeRole and chime reads)."""
    return {"Version": "2012-10-17", "Statement": [s for policy in policies for s in policy["Statement"]]}


def admin_credentials(endpoint_url: str, timeout: float = 10.0) -> dict[str, str]:
    """Fetch the bootstrap admin's keys from a server started with ``--enforce-iam``."""
    with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}/_chime_local/iam/admin", timeout=timeout) as reply:
        return json.loads(reply.read())


def create_principal(
    endpoint_url: str,
    user_name: str,
    policy: dict[str, Any] | str | None,
    admin: dict[str, str] | None = None,
    region_name: str = "us-east-1",
) -> dict[str, str]:
    """Create an IAM user with an inline ``policy`` through the endpoint; return its keys.

    ``policy=None`` creates a user without any policy (every call is denied).
    """
    import boto3  # pylint: disable=import-outside-toplevel

    admin = admin or admin_credentials(endpoint_url)
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint_url,
        region_name=region_name,
        aws_access_key_id=admin["AccessKeyId"],
        aws_secret_access_key=admin["SecretAccessKey"],
    )
    user = iam.create_user(UserName=user_name)["User"]
    if policy is not None:
        document = policy if isinstance(policy, str) else json.dumps(policy)
        iam.put_user_policy(UserName=user_name, PolicyName=f"{user_name}-inline", PolicyDocument=document)
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    return {
        "AccessKeyId": key["AccessKeyId"],
        "SecretAccessKey": key["SecretAccessKey"],
        "UserName": user_name,
        "Arn": user["Arn"],
    }
