# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo organisation and seeded ones: AWS Organizations (moto's backend) on the endpoint's port.

Through real boto3 clients: roots, units, accounts per parent and their paths, suspended accounts, every page of
ListAccountsForParent, member accounts reached with AssumeRole and served as themselves by the Chime backend,
seeding through the control API (and its refusals), reset, and the generated form benchmarks use.
"""

from __future__ import annotations

import time
from typing import Any
from typing import Callable

import boto3
import pytest
from botocore.exceptions import ClientError
from chime_helpers import DEMO_CONNECTOR
from chime_helpers import EMPTY_CONNECTOR
from chime_helpers import NO_RETRY
from chime_helpers import Control
from chime_local import demo
from chime_local import organization

ACTIVE_MEMBERS = (demo.SECOND_ACCOUNT, demo.PROD_ACCOUNT)
GENERATED = {
    "organization": {
        "management_account": demo.MANAGEMENT_ACCOUNT,
        "units": [{"name": "Bench", "units": [{"name": "Active"}, {"name": "Suspended"}]}],
        "generate_accounts": [
            {
                "count": 500,
                "first_id": "100000000000",
                "unit": "Bench/Active",
                "name": "Bench {index}",
                "connector": {"regions": ["us-east-1", "us-west-2"], "sessions": 10, "phone_numbers": 1},
            },
            {
                "count": 20,
                "first_id": "100000000500",
                "unit": "Bench/Suspended",
                "state": "SUSPENDED",
                "connector": {"regions": ["us-east-1", "us-west-2"], "sessions": 10},
            },
        ],
    }
}


def _org(url: str, **kwargs: Any) -> Any:
    return boto3.client("organizations", endpoint_url=url, region_name=demo.REGION, config=NO_RETRY, **kwargs)


def _assumed(url: str, account: str, service: str, region: str = demo.REGION) -> Any:
    sts = boto3.client("sts", endpoint_url=url, region_name=demo.REGION, config=NO_RETRY)
    given = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/AnyName", RoleSessionName="org-test")["Credentials"]
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        config=NO_RETRY,
        aws_access_key_id=given["AccessKeyId"],
        aws_secret_access_key=given["SecretAccessKey"],
        aws_session_token=given["SessionToken"],
    )


def _units(org: Any, parent: str) -> dict[str, str]:
    pages = org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent)
    return {unit["Name"]: unit["Id"] for page in pages for unit in page["OrganizationalUnits"]}


def _accounts(org: Any, parent: str) -> list[dict[str, Any]]:
    pages = org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent)
    return [account for page in pages for account in page["Accounts"]]


def _path(org: Any, child: str) -> str:
    """The names from the root down to ``child``'s parent, as the collection builds them with ListParents."""
    names = []
    while True:
        parents = org.list_parents(ChildId=child)["Parents"]
        assert len(parents) == 1, parents
        child = parents[0]["Id"]
        if parents[0]["Type"] == "ROOT":
            return "/".join(["Root"] + names[::-1])
        names.append(org.describe_organizational_unit(OrganizationalUnitId=child)["OrganizationalUnit"]["Name"])


# ------------------------------------------------------------------ the demo organisation
def test_the_demo_organisation_through_the_api(endpoint: str, control: Control) -> None:
    org = _org(endpoint)
    roots = org.list_roots()["Roots"]
    assert [root["Name"] for root in roots] == ["Root"] and roots[0]["Id"].startswith("r-")
    root = roots[0]["Id"]
    top = _units(org, root)
    assert set(top) == {"Telephony", "Sandbox"}
    paged = org.get_paginator("list_organizational_units_for_parent")
    pages = list(paged.paginate(ParentId=root, PaginationConfig={"PageSize": 1}))
    assert [[unit["Name"] for unit in page["OrganizationalUnits"]] for page in pages] == [["Telephony"], ["Sandbox"]]
    nested = _units(org, top["Telephony"])
    assert set(nested) == {"Prod"} and _units(org, top["Sandbox"]) == {} and _units(org, nested["Prod"]) == {}
    by_path = {"Telephony": top["Telephony"], "Telephony/Prod": nested["Prod"], "Sandbox": top["Sandbox"]}
    for path, accounts in demo.UNIT_ACCOUNTS.items():
        assert [a["Id"] for a in _accounts(org, by_path[path])] == list(accounts), path
        described = org.describe_organizational_unit(OrganizationalUnitId=by_path[path])["OrganizationalUnit"]
        assert (described["Id"], described["Name"]) == (by_path[path], path.rsplit("/", 1)[-1])
    assert [a["Id"] for a in _accounts(org, root)] == [demo.MANAGEMENT_ACCOUNT]
    # The control API names the same ids (moto's, drawn at each reset).
    assert control.ok("GET", "organization") == {
        "management_account": demo.MANAGEMENT_ACCOUNT,
        "root": root,
        "units": by_path,
        "accounts": 4,
    }
    organisation = org.describe_organization()["Organization"]
    assert organisation["MasterAccountId"] == demo.MANAGEMENT_ACCOUNT and organisation["FeatureSet"] == "ALL"


def test_paths_of_every_account(endpoint: str) -> None:
    org = _org(endpoint)
    paths = {account: _path(org, account) for account in demo.ORGANIZATION_ACCOUNTS}
    assert paths == {
        demo.MANAGEMENT_ACCOUNT: "Root",
        demo.SECOND_ACCOUNT: "Root/Telephony",
        demo.PROD_ACCOUNT: "Root/Telephony/Prod",
        demo.SUSPENDED_ACCOUNT: "Root/Sandbox",
    }


def test_list_accounts_pages_in_joined_order_with_both_status_and_state(endpoint: str) -> None:
    org = _org(endpoint)
    pages = list(org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1}))
    accounts = [account for page in pages for account in page["Accounts"]]
    assert len(pages) == 4 and [a["Id"] for a in accounts] == list(demo.ORGANIZATION_ACCOUNTS)
    assert [a["JoinedTimestamp"] for a in accounts] == sorted(a["JoinedTimestamp"] for a in accounts)
    states = {a["Id"]: (a["Status"], a["State"]) for a in accounts}
    assert states == {
        demo.MANAGEMENT_ACCOUNT: ("ACTIVE", "ACTIVE"),
        demo.SECOND_ACCOUNT: ("ACTIVE", "ACTIVE"),
        demo.PROD_ACCOUNT: ("ACTIVE", "ACTIVE"),
        demo.SUSPENDED_ACCOUNT: ("SUSPENDED", "SUSPENDED"),
    }
    suspended = org.describe_account(AccountId=demo.SUSPENDED_ACCOUNT)["Account"]
    assert (suspended["Name"], suspended["Email"], suspended["Status"], suspended["State"]) == (
        "Closed sandbox",
        "sandbox@example.com",
        "SUSPENDED",
        "SUSPENDED",
    )
    assert suspended["Arn"].endswith(f"/{demo.SUSPENDED_ACCOUNT}") and suspended["JoinedMethod"] == "CREATED"


def test_the_organisation_through_aws_endpoint_url_organizations(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", endpoint)
    org = boto3.client("organizations", region_name=demo.REGION, config=NO_RETRY)
    assert org.list_roots()["Roots"][0]["Id"].startswith("r-")
    assert {a["Id"] for a in org.list_accounts()["Accounts"]} == set(demo.ORGANIZATION_ACCOUNTS)


def test_member_accounts_are_served_as_themselves(endpoint: str) -> None:
    for account in ACTIVE_MEMBERS + (demo.SUSPENDED_ACCOUNT,):
        assert _assumed(endpoint, account, "sts").get_caller_identity()["Account"] == account
    prod = _assumed(endpoint, demo.PROD_ACCOUNT, "chime-sdk-voice")
    ids = {c["VoiceConnectorId"] for c in prod.list_voice_connectors()["VoiceConnectors"]}
    assert demo.PROD_CONNECTOR in ids and "partnerproxyconnector1" not in ids and demo.SUSPENDED_CONNECTOR not in ids
    assert {DEMO_CONNECTOR, EMPTY_CONNECTOR} <= ids  # the connectors every account sees
    sessions = prod.list_proxy_sessions(VoiceConnectorId=demo.PROD_CONNECTOR)["ProxySessions"]
    assert sorted(s["Status"] for s in sessions) == ["Closed", "InProgress", "Open"]
    assert prod.get_voice_connector_proxy(VoiceConnectorId=demo.PROD_CONNECTOR)["Proxy"]["PhoneNumberCountries"]
    arn = prod.get_voice_connector(VoiceConnectorId=demo.PROD_CONNECTOR)["VoiceConnector"]["VoiceConnectorArn"]
    assert f":{demo.PROD_ACCOUNT}:vc/" in arn
    suspended = _assumed(endpoint, demo.SUSPENDED_ACCOUNT, "chime-sdk-voice")
    assert suspended.list_proxy_sessions(VoiceConnectorId=demo.SUSPENDED_CONNECTOR)["ProxySessions"]
    own = boto3.client("chime-sdk-voice", endpoint_url=endpoint, region_name=demo.REGION, config=NO_RETRY)
    own_ids = {c["VoiceConnectorId"] for c in own.list_voice_connectors()["VoiceConnectors"]}
    assert not own_ids & {demo.PROD_CONNECTOR, demo.SUSPENDED_CONNECTOR}
    west = _assumed(endpoint, demo.PROD_ACCOUNT, "chime-sdk-voice", region="us-west-2")
    assert demo.PROD_CONNECTOR not in {c["VoiceConnectorId"] for c in west.list_voice_connectors()["VoiceConnectors"]}


# ------------------------------------------------------------------ seeding, reset
def _seed_many(control: Control, count: int) -> str:
    """An organisation of ``count`` generated accounts in one unit; the unit's id."""
    reply = control.ok(
        "POST",
        "seed",
        {
            "organization": {
                "management_account": demo.MANAGEMENT_ACCOUNT,
                "units": [{"name": "Many"}],
                "generate_accounts": [{"count": count, "first_id": "210000000000", "unit": "Many"}],
            }
        },
    )
    assert reply["organization"]["accounts"] == count + 1
    return str(reply["organization"]["units"]["Many"])


@pytest.mark.parametrize("max_results", range(1, 21))
def test_every_page_of_list_accounts_for_parent(control: Control, max_results: int) -> None:
    count = 47
    unit = _seed_many(control, count)
    org = _org(control.url)
    seen: list[str] = []
    sizes = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = org.list_accounts_for_parent(ParentId=unit, MaxResults=max_results, **kwargs)
        sizes.append(len(page["Accounts"]))
        seen += [account["Id"] for account in page["Accounts"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"{210000000000 + n:012d}" for n in range(count)]
    full, rest = divmod(count, max_results)
    assert sizes == [max_results] * full + ([rest] if rest else [])


def test_a_posted_organisation_replaces_the_demo_and_reset_brings_it_back(control: Control) -> None:
    demo_root = control.ok("GET", "organization")["root"]
    reply = control.ok(
        "POST",
        "seed",
        {
            "organization": {
                "management_account": "555555555555",
                "feature_set": "CONSOLIDATED_BILLING",
                "units": [{"name": "Only", "accounts": ["666666666666"]}],
                "accounts": {"666666666666": {"name": "Lone", "email": "lone@example.com", "state": "PENDING_CLOSURE"}},
            }
        },
    )
    assert reply["organization"]["management_account"] == "555555555555" and reply["organization"]["accounts"] == 2
    with pytest.raises(ClientError) as excinfo:
        _org(control.url).list_roots()  # the demo credentials' account is in no organisation now
    assert excinfo.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"
    lone = _assumed(control.url, "555555555555", "organizations").describe_account(AccountId="666666666666")["Account"]
    assert (lone["Status"], lone["State"]) == ("PENDING_CLOSURE", "PENDING_CLOSURE")
    control.ok("POST", "reset")
    again = control.ok("GET", "organization")
    assert again["management_account"] == demo.MANAGEMENT_ACCOUNT and again["root"] != demo_root  # moto's new ids
    assert {a["Id"] for a in _org(control.url).list_accounts()["Accounts"]} == set(demo.ORGANIZATION_ACCOUNTS)


def test_a_null_organisation_removes_it(control: Control) -> None:
    assert "organization" in control.ok("POST", "seed", raw=b"organization: null\n")
    status, payload = control.call("GET", "organization")
    assert status == 404 and "no organization" in payload["error"]
    with pytest.raises(ClientError) as excinfo:
        _org(control.url).describe_organization()
    assert excinfo.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"


def _section(**changes: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "management_account": "123456789012",
        "units": [{"name": "A", "accounts": ["222222222222"]}],
        "accounts": {"222222222222": {"name": "Two", "email": "two@example.com"}},
    }
    section.update(changes)
    return section


def _nested(depth: int) -> list[dict[str, Any]]:
    """Units nested ``depth`` levels deep."""
    units: list[dict[str, Any]] = []
    for level in range(depth, 0, -1):
        units = [{"name": f"Level {level}", "units": units}]
    return units


BAD_SECTIONS: list[tuple[Any, str]] = [
    ([], "organization must be a mapping"),
    ({"units": []}, "organization.management_account"),
    (_section(management_account=12345), "is not an account id"),
    (_section(owner="x"), "unknown keys ['owner']"),
    (_section(feature_set="SOME"), "organization.feature_set"),
    (_section(units=[{"name": "A"}, {"name": "A"}]), "two units named 'A'"),
    (_section(units=[{"name": "A/B"}]), "cannot hold '/'"),
    (_section(units=[{"name": ""}]), "organization.units[0].name"),
    (_section(units=_nested(6)), "at most 5 levels deep"),
    (
        _section(units=[{"name": "A", "accounts": ["222222222222"]}, {"name": "B", "accounts": ["222222222222"]}]),
        "already in A",
    ),
    (_section(accounts={"222222222222": {"state": "GONE"}}), "organization.accounts[222222222222].state"),
    (_section(accounts={"222222222222": {"status": "CLOSED"}}), "organization.accounts[222222222222].status"),
    (_section(accounts={"222222222222": {"email": "nope-at-example.com"}}), "is not an email address"),
    (_section(accounts={"222222222222": {"colour": "red"}}), "unknown keys ['colour']"),
    (_section(accounts={"123456789012": {"state": "SUSPENDED"}}), "the management account is ACTIVE"),
    (_section(accounts={"2222": {}}), "is not an account id"),
    (
        _section(
            accounts={
                "222222222222": {"joined": "2021-01-01T00:00:00Z"},
                "333333333333": {"joined": "2021-01-01T00:00:00Z"},
            }
        ),
        "join at the same time",
    ),
    (_section(member_roles=[{"name": "bad name!"}]), "not an IAM role name"),
    (_section(member_roles=["R", "R"]), "a role name appears twice"),
    (_section(member_roles=[{"name": "R", "policy": "{"}]), "not a JSON policy document"),
    (_section(member_roles=[{"name": "R", "policy": {"Statement": []}}]), "moto's IAM refuses it"),
    (_section(generate_accounts=[{"count": 3, "first_id": "1", "unit": "A"}]), "first_id"),
    (_section(generate_accounts=[{"count": 0, "first_id": "300000000000"}]), "count"),
    (_section(generate_accounts=[{"count": 10001, "first_id": "300000000000"}]), "from 1 to 10000"),
    (_section(generate_accounts=[{"count": 2, "first_id": "999999999999"}]), "go past 999999999999"),
    (_section(generate_accounts=[{"count": 2, "first_id": "300000000000", "unit": "Z"}]), "is not a unit"),
    (_section(generate_accounts=[{"count": 2, "first_id": "222222222221"}]), "account 222222222222 is given twice"),
    (_section(generate_accounts=[{"count": 2, "first_id": "300000000000", "email": "{nope}"}]), "is not a template"),
    (
        _section(
            generate_accounts=[{"count": 1, "first_id": "300000000000", "connector": {"sessions": 1, "proxy": False}}]
        ),
        "sessions need a proxy configuration",
    ),
    (
        _section(generate_accounts=[{"count": 1, "first_id": "300000000000", "connector": {"status": ["Gone"]}}]),
        "connector.status",
    ),
    (
        _section(generate_accounts=[{"count": 1, "first_id": "300000000000", "connector": {"regions": []}}]),
        "connector.regions",
    ),
    (
        _section(generate_accounts=[{"count": 1, "first_id": "300000000000", "connector": {"id_prefix": "Bench-"}}]),
        "connector.id_prefix",
    ),
]


@pytest.mark.parametrize("section, message", BAD_SECTIONS, ids=[m for _s, m in BAD_SECTIONS])
def test_a_bad_organisation_is_a_400_and_changes_nothing(control: Control, section: Any, message: str) -> None:
    before = control.ok("GET", "organization")
    status, payload = control.call("POST", "seed", {"organization": section, "settings": {"sts_duration_seconds": 5}})
    assert status == 400 and message in payload["error"], payload
    assert control.ok("GET", "organization") == before
    assert control.ok("GET", "credentials")["sts_duration_seconds"] is None, "nothing of a refused seed is applied"


def test_the_parser_directly() -> None:
    plan = organization.parse(
        {
            "management_account": 123456789012,  # unquoted in YAML
            "units": [{"name": "A", "units": [{"name": "B", "accounts": [222222222222]}]}],
            "accounts": {"333333333333": {"state": "CLOSED"}},
            "member_roles": ["Reader"],
        }
    )
    assert plan.units == ["A", "A/B"] and [r.name for r in plan.member_roles] == ["Reader"]
    by_id = {a.account_id: a for a in plan.accounts}
    assert [a.account_id for a in plan.accounts] == ["123456789012", "333333333333", "222222222222"]
    assert by_id["222222222222"].parent == "A/B" and by_id["333333333333"].parent == ""
    assert (by_id["333333333333"].state, by_id["333333333333"].status) == ("CLOSED", "SUSPENDED")
    assert by_id["123456789012"].name == organization.DEFAULT_MANAGEMENT_NAME
    assert len({a.joined for a in plan.accounts}) == 3
    assert plan.counts() == {"accounts": 3, "organizational_units": 2, "suspended": 0, "voice_connectors": 0}


# ------------------------------------------------------------------ the generated form
def test_520_generated_accounts_with_their_chime_data(control: Control) -> None:
    started = time.monotonic()
    reply = control.ok("POST", "seed", GENERATED)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"seeding 520 accounts took {elapsed:.1f} s"
    assert reply["organization"]["accounts"] == 521 and reply["voice_connectors"] == 520
    assert reply["proxy_sessions"] == 5200 and reply["phone_numbers"] == 500
    org = _org(control.url)
    pages = list(org.get_paginator("list_accounts").paginate())
    accounts = [a for page in pages for a in page["Accounts"]]
    assert len(accounts) == 521 and len({a["Id"] for a in accounts}) == 521
    assert sum(1 for a in accounts if (a["Status"], a["State"]) == ("SUSPENDED", "SUSPENDED")) == 20
    units = reply["organization"]["units"]
    active = _accounts(org, units["Bench/Active"])
    assert len(active) == 500 and active[7]["Name"] == "Bench 7" and active[7]["Email"] == "100000000007@example.com"
    assert {a["State"] for a in _accounts(org, units["Bench/Suspended"])} == {"SUSPENDED"}
    assert _path(org, "100000000519") == "Root/Bench/Suspended"
    for region in ("us-east-1", "us-west-2"):
        chime = _assumed(control.url, "100000000007", "chime-sdk-voice", region=region)
        connector = organization.connector_id("orgvc", "100000000007")
        assert connector == "orgvc00000100000000007"
        assert connector in {c["VoiceConnectorId"] for c in chime.list_voice_connectors()["VoiceConnectors"]}
        sessions = chime.list_proxy_sessions(VoiceConnectorId=connector)["ProxySessions"]
        assert len(sessions) == 10 and {s["Status"] for s in sessions} == {"Open", "InProgress", "Closed"}
        numbers = chime.list_phone_numbers(FilterName="VoiceConnectorId", FilterValue=connector)["PhoneNumbers"]
        assert [n["E164PhoneNumber"] for n in numbers] == ["+19185550100"]
    elsewhere = _assumed(control.url, "100000000007", "chime-sdk-voice", region="eu-west-1")
    assert connector not in {c["VoiceConnectorId"] for c in elsewhere.list_voice_connectors()["VoiceConnectors"]}
    other = _assumed(control.url, "100000000008", "chime-sdk-voice")
    assert connector not in {c["VoiceConnectorId"] for c in other.list_voice_connectors()["VoiceConnectors"]}
    control.ok("POST", "reset")
    assert len(_org(control.url).list_accounts()["Accounts"]) == 4
    after = _assumed(control.url, "100000000007", "chime-sdk-voice")
    assert connector not in {c["VoiceConnectorId"] for c in after.list_voice_connectors()["VoiceConnectors"]}


def test_the_generated_form_is_cheap_to_parse() -> None:
    started = time.monotonic()
    plan = organization.parse(GENERATED["organization"])
    assert time.monotonic() - started < 5
    assert plan.counts() == {"accounts": 521, "organizational_units": 3, "suspended": 20, "voice_connectors": 520}
    connector = plan.chime_seed["voice_connectors"][0]
    assert connector["account"] == "100000000000" and connector["region"] == ["us-east-1", "us-west-2"]
    assert [s["Status"] for s in connector["ProxySessions"]][:4] == ["Open", "InProgress", "Closed", "Open"]


def test_yaml_seed_with_an_organisation_and_settings(control: Control, make_client: Callable[..., Any]) -> None:
    reply = control.ok(
        "POST",
        "seed",
        raw=b"""
settings: {sts_duration_seconds: 120}
organization:
  management_account: "123456789012"
  units: [{name: Solo, accounts: ["777777777777"]}]
voice_connectors:
  - {VoiceConnectorId: soloconnector000000001, account: "777777777777", region: us-east-1}
""",
    )
    assert reply["voice_connectors"] == 1 and reply["organization"]["units"].keys() == {"Solo"}
    assert control.ok("GET", "credentials")["sts_duration_seconds"] == 120
    solo = _assumed(control.url, "777777777777", "chime-sdk-voice")
    assert "soloconnector000000001" in {c["VoiceConnectorId"] for c in solo.list_voice_connectors()["VoiceConnectors"]}
    assert make_client().get_voice_connector(VoiceConnectorId=DEMO_CONNECTOR)
