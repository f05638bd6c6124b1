# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Canary for the moto internals tools/chime_local/moto_shim.py relies on (its INTERNALS).

If one of these fails after a moto upgrade, moto moved an internal: fix moto_shim.py
(and the moto pin in tools/chime_local/requirements.txt), nothing else.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

import boto3
import moto
import moto.backend_index
import moto.backends
import pytest
from chime_local import demo
from chime_local import moto_shim
from chime_local.chimesdkvoice import chimesdkvoice_backends
from chime_local.chimesdkvoice.models import PAGINATION_MODEL
from chime_local.chimesdkvoice.models import PageCursor
from chime_local.chimesdkvoice.models import page_key
from chime_local.chimesdkvoice.models import token_page_key
from moto.core.responses import BaseResponse
from moto.iam import models as iam_models
from moto.moto_server import werkzeug_app
from moto.organizations import models as organizations_models
from moto.utilities.paginator import paginate

TOOLS = Path(moto_shim.__file__).resolve().parent


def test_moto_version_is_in_the_tested_range() -> None:
    assert moto_shim.moto_version_supported(), (
        f"moto {moto.__version__} is outside the range the shim was tested with {moto_shim.SUPPORTED_MOTO}; "
        "run this suite, fix moto_shim.py if needed, then move the pin in tools/chime_local/requirements.txt"
    )


def test_moto_internals_are_where_the_shim_expects_them() -> None:
    problems = moto_shim.moto_internals_problems()
    assert not problems, "moto internals changed, update tools/chime_local/moto_shim.py: " + "; ".join(problems)


@pytest.mark.parametrize("dotted", moto_shim.INTERNALS)
def test_every_listed_internal_exists(dotted: str) -> None:
    module_name, _sep, attribute = dotted.rpartition(".")
    assert hasattr(importlib.import_module(module_name), attribute), dotted


def test_no_other_server_file_imports_moto_or_werkzeug() -> None:
    """moto and werkzeug names are used in moto_shim.py only (the service package is not server code)."""
    offenders = []
    for path in sorted(TOOLS.glob("*.py")):
        if path.name == "moto_shim.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ("moto", "werkzeug")]
    # server.py reads moto.settings to check that IAM enforcement really is on (a documented setting).
    assert offenders == ["server.py: moto"]


def test_register_is_idempotent() -> None:
    moto_shim.register()
    moto_shim.register()
    assert moto.backends.get_backend(moto_shim.BACKEND_NAME) is chimesdkvoice_backends
    names = [name for name, _pattern in moto.backend_index.backend_url_patterns]
    assert names.count(moto_shim.BACKEND_NAME) == 1


def test_chime_app_serves_the_backend() -> None:
    moto_shim.register()
    app = moto_shim.chime_app()
    client = app.test_client()
    reply = client.get(
        "/voice-connectors",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200415/eu-west-1/chime/aws4_request, "
            "SignedHeaders=host, Signature=0"
        },
    )
    assert reply.status_code == 200 and "VoiceConnectors" in reply.get_json()


def test_mock_aws_serves_the_backend() -> None:
    moto_shim.register()
    with moto.mock_aws():
        client = boto3.client("chime-sdk-voice", region_name="us-west-2")
        connector = client.create_voice_connector(Name="canary", RequireEncryption=True)["VoiceConnector"]
        assert client.list_voice_connectors()["VoiceConnectors"][0]["VoiceConnectorId"] == connector["VoiceConnectorId"]


def test_the_canary_detects_moved_internals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(werkzeug_app, "create_backend_app")
    monkeypatch.setattr(moto.backend_index, "backend_url_patterns", {})
    problems = moto_shim.moto_internals_problems()
    assert any("create_backend_app" in p for p in problems) and any("backend_url_patterns" in p for p in problems)
    with pytest.raises(moto_shim.MotoInternalsChanged, match="update tools/chime_local/moto_shim.py"):
        moto_shim.register()


def test_importer_change_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    def _import_backend(module_name: str, backends_name: str) -> Any:  # a moved importer
        return None

    monkeypatch.setattr(moto.backends, "_import_backend", _import_backend)
    assert any("_import_backend" in p for p in moto_shim.moto_internals_problems())


def test_account_id_is_the_account_moto_serves_the_request_as(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate limit's account: a key of STS's for a role in another account is that account's, as for the
    backend (tests/chime_local/test_rate_limit.py checks the two agree on the server)."""
    monkeypatch.delenv(moto_shim.ACCOUNT_ENV, raising=False)
    moto_shim.register()
    with moto.mock_aws():
        sts = boto3.client("sts", region_name="us-east-1")
        assumed = sts.assume_role(RoleArn=demo.SECOND_ACCOUNT_ROLE, RoleSessionName="canary")["Credentials"]
        key = assumed["AccessKeyId"]
        assert moto_shim.account_id(key) == demo.SECOND_ACCOUNT
        assert moto_shim.account_id(demo.ACCESS_KEY) == demo.OWN_ACCOUNT
        assert moto_shim.account_id(None) == demo.OWN_ACCOUNT
        assert moto_shim.account_id(key, "444455556666") == "444455556666", "the documented header comes first"
        monkeypatch.setenv(moto_shim.ACCOUNT_ENV, "777788889999")
        assert moto_shim.account_id(key, "444455556666") == "777788889999", "then the documented variable"


def test_account_id_remembers_each_keys_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's get_account_id_from walks every account's IAM backend: each key is looked up once."""
    monkeypatch.delenv(moto_shim.ACCOUNT_ENV, raising=False)
    calls: list[str] = []

    def get_account_id_from(access_key: str) -> str:
        calls.append(access_key)
        return "210987654321" if access_key == "ASIAREMEMBERED000001" else demo.OWN_ACCOUNT

    moto_shim.forget_key_accounts()
    monkeypatch.setattr(iam_models, "get_account_id_from", get_account_id_from)
    try:
        for _attempt in range(3):
            assert moto_shim.account_id("ASIAREMEMBERED000001") == "210987654321"
            assert moto_shim.account_id("AKIANEVERSEEN0000001") == demo.OWN_ACCOUNT
        assert calls == ["ASIAREMEMBERED000001", "AKIANEVERSEEN0000001"]
    finally:
        moto_shim.forget_key_accounts()


def test_the_canary_detects_a_changed_account_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    def get_current_account(self: Any) -> str:  # the key's account first, the overrides after
        return iam_models.get_account_id_from("") or os.environ["MOTO_ACCOUNT_ID"] or self.headers["x-moto-account-id"]

    monkeypatch.setattr(BaseResponse, "get_current_account", get_current_account)
    monkeypatch.delattr(iam_models, "get_account_id_from")
    problems = moto_shim.moto_internals_problems()
    assert any("get_account_id_from is gone" in p for p in problems)
    assert any("get_current_account no longer checks" in p for p in problems)


def test_moto_next_token_points_at_the_page_key_the_endpoint_reads() -> None:
    """The endpoint reads moto's NextToken itself (models.token_page_key) to refuse forged ones and to resume
    after a deleted session. moto 5.2.6 changed how the token holds the key (text became a list of one): a moto
    that changes it again fails here, not in every listing test."""
    created = datetime(2026, 4, 7, tzinfo=timezone.utc)
    items = [PageCursor(page_key(created, ident)) for ident in ("first", "second", "third")]

    @paginate(pagination_model=PAGINATION_MODEL)
    def _proxy_session_page(**_kwargs: Any) -> list[PageCursor]:
        return items

    page, token = _proxy_session_page(max_results=1)
    assert page == items[:1]
    assert token_page_key(token) == items[1].page_key
    page, token = _proxy_session_page(max_results=1, next_token=token)
    assert page == items[1:2]
    assert token_page_key(token) == items[2].page_key


def test_the_organisation_gets_the_seeded_ids() -> None:
    """replace_organization re-ids the accounts moto's create_account made: every moto name it touches (INTERNALS,
    items 7 and 8) is exercised here."""
    moto_shim.register()
    joined = datetime(2021, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    accounts = [
        moto_shim.OrganizationAccount("123456789012", "Boss", "boss@example.com", "ACTIVE", "ACTIVE", joined, ""),
        moto_shim.OrganizationAccount(
            "210987654321", "Member", "member@example.com", "SUSPENDED", "SUSPENDED", joined.replace(year=2022), "U/V"
        ),
    ]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:List*", "Resource": "*"}]}
    roles = [moto_shim.MemberRole("Reader", json.dumps(policy))]
    assert moto_shim.policy_problem(json.dumps(policy)) is None
    assert moto_shim.policy_problem(json.dumps({"Version": "2012-10-17", "Statement": []}))
    with moto.mock_aws():
        ids = moto_shim.replace_organization("123456789012", "ALL", ["U", "U/V"], accounts, roles)
        org = boto3.client("organizations", region_name="us-east-1")
        member = org.describe_account(AccountId="210987654321")["Account"]
        assert (member["Name"], member["Email"], member["Status"], member["State"]) == (
            "Member",
            "member@example.com",
            "SUSPENDED",
            "SUSPENDED",
        )
        assert member["JoinedTimestamp"] == joined.replace(year=2022)
        assert org.describe_account(AccountId="123456789012")["Account"]["Name"] == "Boss"
        assert [a["Id"] for a in org.list_accounts_for_parent(ParentId=ids["U/V"])["Accounts"]] == ["210987654321"]
        assert org.list_parents(ChildId="210987654321")["Parents"][0]["Id"] == ids["U/V"]
        assert org.list_parents(ChildId=ids["U"])["Parents"][0] == {"Id": ids[""], "Type": "ROOT"}
        assert organizations_models.organizations_backends.master_accounts == {"210987654321": ("123456789012", "aws")}
        assert set(iam_models.iam_backends) <= {"123456789012", "210987654321"}, "no IAM backend of a random id"
        assert moto_shim.role_exists("arn:aws:iam::210987654321:role/Reader")
        assert not moto_shim.role_exists("arn:aws:iam::210987654321:role/Missing")
        assert not moto_shim.role_exists("arn:aws:iam::123456789012:role/Reader"), "member accounts only"
        assert not moto_shim.role_exists("not an arn")
        # Built twice (a reset): the same accounts, the roles kept.
        ids = moto_shim.replace_organization("123456789012", "ALL", ["U", "U/V"], accounts, roles)
        assert len(org.list_accounts()["Accounts"]) == 2
        moto_shim.remove_organizations()
        assert organizations_models.organizations_backends.master_accounts == {}
        with pytest.raises(org.exceptions.AWSOrganizationsNotInUseException):
            org.describe_organization()


def test_the_canary_detects_a_changed_organizations_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    def describe(self: Any) -> dict[str, Any]:  # a describe() that reads other attributes
        return {"Id": self.account_id, "Status": self.lifecycle}

    monkeypatch.setattr(organizations_models.organizations_backends, "master_accounts", None)
    monkeypatch.delattr(organizations_models.OrganizationsBackend, "move_account")
    monkeypatch.setattr(organizations_models.FakeAccount, "describe", describe)
    monkeypatch.delattr(iam_models.IAMBackend, "put_role_policy")
    problems = moto_shim.moto_internals_problems()
    assert any("master_accounts" in p for p in problems)
    assert any("OrganizationsBackend lost move_account" in p for p in problems)
    assert any("FakeAccount.describe() no longer reads" in p for p in problems)
    assert any("IAMBackend lost put_role_policy" in p for p in problems)
