# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The telephony.chime.aws_organization inventory plugin, parsed as ansible-inventory parses it (InventoryManager,
the auto plugin, a real inventory file and a real cache plugin), its AWS Organizations and STS clients real boto3
clients made by amazon.aws's plugin base, each behind botocore's Stubber: every request is recorded and every answer
checked against AWS's model. The organisation is played page by page (20 a page, the model's most)."""

import copy
import datetime
import os

import pytest
import yaml
from ansible.errors import AnsibleError
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from botocore.awsrequest import AWSResponse
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.inventory import aws_organization
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import pace_of
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import account_state

PLUGIN = "telephony.chime.aws_organization"
ROOT = "r-ab12"
TELEPHONY = "ou-ab12-11111111"
PROD = "ou-ab12-22222222"
EDGE = "ou-ab12-33333333"
SANDBOX = "ou-ab12-44444444"
VOICE = "ou-ab12-55555555"
MANAGEMENT = "111111111111"
PARTNER = "222222222222"
SUSPENDED = "444444444444"
VOICE_ACCOUNT = "555555555555"
EDGE_ACCOUNT = "666666666666"
PROD_ACCOUNTS = [f"3000000000{n:02d}" for n in range(25)]
ACCESS = {"access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
MEMBER_ROLE = "OrganizationAccountAccessRole"
AWS_SETTINGS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_URL",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ORGANIZATIONS",
    "AWS_ENDPOINT_URL_STS",
)


def account(account_id, name, state="ACTIVE", partition="aws"):
    return {
        "Id": account_id,
        "Name": name,
        "Email": f"{name.lower().replace(' ', '-')}@example.com",
        "Arn": f"arn:{partition}:organizations::{MANAGEMENT}:account/o-exampleorg/{account_id}",
        **account_state(state),
    }


def tree(partition="aws"):
    """parent id -> (name, child units, accounts): Root > Telephony > Prod > Edge, Telephony > "Voice & SMS (EU)",
    and Root > Sandbox (a suspended account)."""
    return {
        ROOT: ("Root", [TELEPHONY, SANDBOX], [account(MANAGEMENT, "Management", partition=partition)]),
        TELEPHONY: ("Telephony", [PROD, VOICE], [account(PARTNER, "Partner", partition=partition)]),
        PROD: ("Prod", [EDGE], [account(a, f"Prod {a[-2:]}", partition=partition) for a in PROD_ACCOUNTS]),
        EDGE: ("Edge", [], [account(EDGE_ACCOUNT, "Edge", partition=partition)]),
        VOICE: ("Voice & SMS (EU)", [], [account(VOICE_ACCOUNT, "Voice EU", partition=partition)]),
        SANDBOX: ("Sandbox", [], [account(SUSPENDED, "Closed sandbox", "SUSPENDED", partition=partition)]),
    }


class FakeAws:
    """The organisation and STS, answering every request of every client the plugin makes; what was sent, in order."""

    def __init__(self):
        self.nodes = tree()
        self.partition = "aws"
        self.caller = MANAGEMENT
        self.sent = []
        self.clients = []
        self.repeat_token = False
        self.refuse = {}  # operation -> error code
        self.throttle_once = set()
        self.unanswered = {}  # operation -> the SDK's exception, raised before anything is sent

    def page(self, items, params, key):
        start = int(params.get("NextToken", "0"))
        size = params["MaxResults"]
        body = {key: items[start : start + size]}
        if start + size < len(items):
            body["NextToken"] = str(start + size)
        if self.repeat_token and "NextToken" in params:
            body["NextToken"] = params["NextToken"]
        return body

    def answer(self, operation, params):
        if operation == "ListRoots":
            root = {"Id": ROOT, "Name": "Root", "Arn": f"arn:{self.partition}:organizations::1:root/o-1/{ROOT}"}
            return self.page([root], params, "Roots")
        if operation == "ListOrganizationalUnitsForParent":
            units = [{"Id": u, "Name": self.nodes[u][0]} for u in self.nodes[params["ParentId"]][1]]
            return self.page(units, params, "OrganizationalUnits")
        if operation == "ListAccountsForParent":
            return self.page(self.nodes[params["ParentId"]][2], params, "Accounts")
        if operation == "ListParents":
            parent = next(p for p, (_n, units, _a) in self.nodes.items() if params["ChildId"] in units)
            kind = "ROOT" if parent.startswith("r-") else "ORGANIZATIONAL_UNIT"
            return self.page([{"Id": parent, "Type": kind}], params, "Parents")
        if operation == "DescribeOrganizationalUnit":
            unit = params["OrganizationalUnitId"]
            return {"OrganizationalUnit": {"Id": unit, "Name": self.nodes[unit][0]}}
        if operation == "GetCallerIdentity":
            arn = f"arn:{self.partition}:iam::{self.caller}:user/audit"
            return {"UserId": "AIDAEXAMPLE", "Account": self.caller, "Arn": arn}
        if operation == "AssumeRole":
            expiry = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
            credentials = {"AccessKeyId": "ASIAINVENTORYROLE", "SecretAccessKey": "s", "SessionToken": "t"}
            return {"Credentials": {**credentials, "Expiration": expiry}}
        raise AssertionError(operation)

    def attach(self, client):
        fake = self

        class Answering(Stubber):
            def _assert_expected_params(self, model, params, context, **kwargs):
                fake.sent.append((model.name, dict(params)))
                if model.name in fake.unanswered:
                    raise fake.unanswered[model.name]
                code = fake.refuse.get(model.name)
                if model.name in fake.throttle_once:
                    fake.throttle_once.discard(model.name)
                    code = "TooManyRequestsException"
                if code is not None:
                    error = {"Code": code, "Message": "refused by the test"}
                    status = 400  # Organizations answers every error with HTTP 400, a refusal too (as AWS does)
                    meta = {"HTTPStatusCode": status}
                    context["fake"] = (AWSResponse(None, status, {}, None), {"Error": error, "ResponseMetadata": meta})
                    return
                body = fake.answer(model.name, params)
                self._validate_operation_response(model.name, body)
                context["fake"] = (AWSResponse(None, 200, {}, None), copy.deepcopy(body))

            def _get_response_handler(self, model, params, context, **kwargs):
                return context.pop("fake")

        Answering(client).activate()
        self.clients.append(client)
        return client

    def operations(self):
        return [operation for operation, _params in self.sent]


@pytest.fixture(autouse=True)
def no_aws_settings(monkeypatch, tmp_path):
    for name in AWS_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@pytest.fixture
def aws(monkeypatch):
    """Every client the plugin makes (amazon.aws's AWSInventoryBase.client, real boto3 clients) answered by FakeAws."""
    fake = FakeAws()
    made = aws_organization.InventoryModule.client

    def client(self, service, *args, **kwargs):
        return fake.attach(made(self, service, *args, **kwargs))

    monkeypatch.setattr(aws_organization.InventoryModule, "client", client)
    return fake


def write(tmp_path, options, name="org.aws_organization.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"plugin": PLUGIN, **ACCESS, "member_role_name": MEMBER_ROLE, **options}))
    return str(path)


def inventory(path, cache=True):
    """The inventory as ansible-inventory and ansible-playbook read it (cache=False: --flush-cache)."""
    assert inventory_loader.get(PLUGIN).__class__ is aws_organization.InventoryModule, "the class the test answers"
    manager = InventoryManager(loader=DataLoader(), sources=[path], cache=cache)
    assert manager.get_hosts(), "the source was parsed"
    return manager


def parse_error(path):
    plugin = inventory_loader.get(PLUGIN)
    with pytest.raises(AnsibleError) as failure:
        plugin.parse(InventoryData(), DataLoader(), path, cache=True)
    return str(failure.value)


def host_vars(manager, host):
    return manager.get_host(host).get_vars()


def names(hosts):
    return [host.name for host in hosts]


# --- hosts and their vars -------------------------------------------------------------------------------------------


def test_every_account_in_scope_is_a_host_named_by_its_id_with_its_vars(aws, tmp_path):
    manager = inventory(write(tmp_path, {}))
    assert names(manager.get_hosts()) == [MANAGEMENT, PARTNER, *PROD_ACCOUNTS, VOICE_ACCOUNT, EDGE_ACCOUNT]
    partner = host_vars(manager, PARTNER)
    assert {k: v for k, v in partner.items() if k.startswith("chime_") and "accounts" not in k} == {
        "chime_account_id": PARTNER,
        "chime_account_name": "Partner",
        "chime_account_email": "partner@example.com",
        "chime_account_state": "ACTIVE",
        "chime_account_arn": f"arn:aws:organizations::{MANAGEMENT}:account/o-exampleorg/{PARTNER}",
        "chime_ou_path": "Root/Telephony",
        "chime_parent_id": TELEPHONY,
        "chime_own_account": False,
        "chime_role_arn": f"arn:aws:iam::{PARTNER}:role/{MEMBER_ROLE}",
        "chime_external_id": None,
        "chime_role_session_name": "telephony-chime-inventory",
    }
    assert manager.groups["all"].get_vars()["chime_caller_account_id"] == MANAGEMENT
    edge = host_vars(manager, EDGE_ACCOUNT)
    assert (edge["chime_ou_path"], edge["chime_parent_id"]) == ("Root/Telephony/Prod/Edge", EDGE)


def test_every_page_of_every_listing_is_read_once_with_the_caller_s_credentials_only(aws, tmp_path):
    inventory(write(tmp_path, {}))
    prod_pages = [p.get("NextToken") for op, p in aws.sent if op == "ListAccountsForParent" and p["ParentId"] == PROD]
    assert prod_pages == [None, "20"]
    assert all(params["MaxResults"] == 20 for op, params in aws.sent if op.startswith("List"))
    assert aws.operations().count("GetCallerIdentity") == 1
    assert "AssumeRole" not in aws.operations(), "the inventory never assumes the member role"
    # ListRoots, then per parent (6 of them) its accounts and its units, Prod's accounts on two pages; the caller.
    assert len(aws.sent) == 1 + 6 * 2 + 1 + 1


def test_the_caller_s_own_account_is_read_with_its_own_credentials(aws, tmp_path):
    manager = inventory(write(tmp_path, {"external_id": "audit-1", "role_session_name": "chime"}))
    own = host_vars(manager, MANAGEMENT)
    assert own["chime_own_account"] is True
    assert (own["chime_role_arn"], own["chime_external_id"], own["chime_role_session_name"]) == (None, None, None)
    partner = host_vars(manager, PARTNER)
    assert (partner["chime_external_id"], partner["chime_role_session_name"]) == ("audit-1", "chime")


def test_a_delegated_administrator_s_own_account_is_its_own_and_the_management_account_a_member(aws, tmp_path):
    aws.caller = PARTNER
    manager = inventory(write(tmp_path, {}))
    assert host_vars(manager, PARTNER)["chime_own_account"] is True
    assert host_vars(manager, PARTNER)["chime_role_arn"] is None
    assert host_vars(manager, MANAGEMENT)["chime_role_arn"] == f"arn:aws:iam::{MANAGEMENT}:role/{MEMBER_ROLE}"


def test_with_assume_role_arn_the_inventory_reads_as_that_role_and_its_account_is_reached_through_it(aws, tmp_path):
    role = f"arn:aws:iam::{MANAGEMENT}:role/OrganizationReader"
    manager = inventory(write(tmp_path, {"assume_role_arn": role}))
    assert aws.sent[0] == (
        "AssumeRole",
        {"RoleArn": role, "RoleSessionName": f"ansible_aws_{PLUGIN}_dynamic_inventory"},
    )
    organizations = next(c for c in aws.clients if c.meta.service_model.service_name == "organizations")
    assert (
        organizations._request_signer._credentials.access_key == "ASIAINVENTORYROLE"
    )  # pylint: disable=protected-access
    assert host_vars(manager, MANAGEMENT)["chime_role_arn"] == role
    assert host_vars(manager, MANAGEMENT)["chime_own_account"] is True


def test_the_member_role_s_arn_is_in_the_partition_of_the_account(aws, tmp_path):
    aws.nodes, aws.partition = tree("aws-us-gov"), "aws-us-gov"
    manager = inventory(write(tmp_path, {"region": "us-gov-west-1", "member_role_name": "audit/ChimeAudit"}))
    assert host_vars(manager, PARTNER)["chime_role_arn"] == f"arn:aws-us-gov:iam::{PARTNER}:role/audit/ChimeAudit"
    organizations = next(c for c in aws.clients if c.meta.service_model.service_name == "organizations")
    assert organizations.meta.endpoint_url == "https://organizations.us-gov-west-1.amazonaws.com"


# --- groups ---------------------------------------------------------------------------------------------------------


def test_one_group_per_ou_nested_as_the_ous_are_each_account_directly_in_its_own(aws, tmp_path):
    manager = inventory(write(tmp_path, {}))
    groups = manager.groups
    assert [g.name for g in groups["ou_root"].child_groups] == ["ou_root_telephony"], "Sandbox holds no host"
    assert {g.name for g in groups["ou_root_telephony"].child_groups} == {
        "ou_root_telephony_prod",
        "ou_root_telephony_voice_sms_eu",
    }
    assert names(groups["ou_root"].hosts) == [MANAGEMENT]
    assert names(groups["ou_root_telephony"].hosts) == [PARTNER]
    assert names(groups["ou_root_telephony_prod_edge"].hosts) == [EDGE_ACCOUNT]
    below_telephony = names(manager.get_hosts("ou_root_telephony"))
    assert set(below_telephony) == {PARTNER, *PROD_ACCOUNTS, VOICE_ACCOUNT, EDGE_ACCOUNT}
    assert sorted(host_vars(manager, EDGE_ACCOUNT)["group_names"]) == [
        "ou_root",
        "ou_root_telephony",
        "ou_root_telephony_prod",
        "ou_root_telephony_prod_edge",
    ]


def test_an_ou_with_only_suspended_accounts_has_no_group(aws, tmp_path):
    manager = inventory(write(tmp_path, {}))
    assert "ou_root_sandbox" not in manager.groups
    assert SUSPENDED not in names(manager.get_hosts())


@pytest.mark.parametrize(
    "path, groups",
    [
        ("Root", ["ou_root"]),
        ("Root/Telephony/Prod", ["ou_root", "ou_root_telephony", "ou_root_telephony_prod"]),
        ("Root/Voice & SMS (EU)", ["ou_root", "ou_root_voice_sms_eu"]),
        ("Root/Prod_/a__b", ["ou_root", "ou_root_prod", "ou_root_prod_a__b"]),
        ("Root/Téléphonie", ["ou_root", "ou_root_téléphonie"]),
        ("Root/--", ["ou_root", "ou_root__"]),
    ],
)
def test_the_group_name_rule(path, groups):
    assert aws_organization.ou_group_names(path) == groups


def test_keyed_groups_compose_and_groups_over_the_host_vars(aws, tmp_path):
    options = {
        "keyed_groups": [{"key": "chime_account_state", "prefix": "state"}, {"key": "chime_parent_id", "prefix": "in"}],
        "compose": {"audit_dir": "'/srv/audit/' ~ chime_account_id", "ou_name": "chime_ou_path.split('/')[-1]"},
        "groups": {"management": "chime_own_account", "edge": "chime_ou_path.endswith('/Edge')"},
    }
    manager = inventory(write(tmp_path, options))
    assert len(names(manager.get_hosts("state_ACTIVE"))) == 29
    assert names(manager.get_hosts(f"in_{PROD.replace('-', '_')}")) == PROD_ACCOUNTS
    assert names(manager.get_hosts("management")) == [MANAGEMENT]
    assert names(manager.get_hosts("edge")) == [EDGE_ACCOUNT]
    assert host_vars(manager, PARTNER)["audit_dir"] == f"/srv/audit/{PARTNER}"
    assert host_vars(manager, VOICE_ACCOUNT)["ou_name"] == "Voice & SMS (EU)"


def test_a_compose_that_fails_is_skipped_unless_strict(aws, tmp_path):
    broken = {"compose": {"nothing": "no_such_var.attribute"}}
    manager = inventory(write(tmp_path, broken))
    assert "nothing" not in host_vars(manager, PARTNER)
    message = parse_error(write(tmp_path, {**broken, "strict": True}))
    assert "Could not set nothing for host" in message


# --- scope ----------------------------------------------------------------------------------------------------------


def test_accounts_left_out_are_not_hosts_and_are_listed_with_why_on_the_all_group(aws, tmp_path):
    manager = inventory(write(tmp_path, {"skip_organizational_units": [PROD], "skip_accounts": [PARTNER]}))
    assert names(manager.get_hosts()) == [MANAGEMENT, VOICE_ACCOUNT]
    all_vars = manager.groups["all"].get_vars()
    reasons = {item["account_id"]: item["reason"] for item in all_vars["chime_accounts_left_out"]}
    assert reasons[PARTNER] == "in skip_accounts"
    assert reasons[EDGE_ACCOUNT] == f"in {PROD}, one of skip_organizational_units", "Edge lies under Prod"
    assert reasons[SUSPENDED] == "its state is SUSPENDED, not ACTIVE (include_suspended takes it in)"
    assert len(reasons) == 1 + 25 + 1 + 1 and all_vars["chime_accounts_found"] == 30
    assert "ou_root_telephony_prod" not in manager.groups


def test_suspended_accounts_are_hosts_when_asked(aws, tmp_path):
    manager = inventory(write(tmp_path, {"include_suspended": True}))
    assert host_vars(manager, SUSPENDED)["chime_account_state"] == "SUSPENDED"
    assert names(manager.get_hosts("ou_root_sandbox")) == [SUSPENDED]
    assert manager.groups["all"].get_vars()["chime_accounts_left_out"] == []


def test_units_asked_for_bring_their_subtree_grouped_from_the_root(aws, tmp_path):
    manager = inventory(write(tmp_path, {"organizational_units": [PROD]}))
    assert names(manager.get_hosts()) == [*PROD_ACCOUNTS, EDGE_ACCOUNT]
    assert names(manager.get_hosts("ou_root_telephony")) == [*PROD_ACCOUNTS, EDGE_ACCOUNT]
    assert ("ListParents", {"ChildId": PROD, "MaxResults": 20}) in aws.sent
    assert ("DescribeOrganizationalUnit", {"OrganizationalUnitId": TELEPHONY}) in aws.sent
    assert not any(params.get("ParentId") in (ROOT, SANDBOX, VOICE) for _op, params in aws.sent)


# --- cache ----------------------------------------------------------------------------------------------------------


def cached(tmp_path, **options):
    return {
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "cache"),
        "cache_timeout": 3600,
        "keyed_groups": [{"key": "chime_account_state", "prefix": "state"}],
        **options,
    }


def test_a_second_parse_is_served_from_the_cache_and_sends_no_request(aws, tmp_path):
    path = write(tmp_path, cached(tmp_path))
    first = inventory(path)
    sent = len(aws.sent)
    assert sent == 15 and list((tmp_path / "cache").iterdir()), "the cache plugin holds the accounts found"
    second = inventory(path)
    assert len(aws.sent) == sent, "nothing sent"
    assert names(second.get_hosts()) == names(first.get_hosts())
    assert host_vars(second, PARTNER) == host_vars(first, PARTNER)
    assert names(second.get_hosts("state_ACTIVE")) == names(first.get_hosts("state_ACTIVE"))
    assert names(second.get_hosts("ou_root_telephony_prod")) == [*PROD_ACCOUNTS, EDGE_ACCOUNT]


def test_flushing_the_cache_discovers_again_and_refreshes_it(aws, tmp_path):
    path = write(tmp_path, cached(tmp_path))
    inventory(path)
    aws.nodes[TELEPHONY] = ("Telephony", [PROD, VOICE], [])  # Partner has left the organisation
    flushed = inventory(path, cache=False)  # ansible-inventory --flush-cache, meta: refresh_inventory
    assert len(aws.sent) == 30 and PARTNER not in names(flushed.get_hosts())
    again = inventory(path)
    assert len(aws.sent) == 30 and PARTNER not in names(again.get_hosts()), "served from the refreshed cache"


def test_without_the_cache_option_every_parse_discovers(aws, tmp_path):
    path = write(tmp_path, cached(tmp_path, cache=False))
    inventory(path)
    inventory(path)
    assert len(aws.sent) == 30 and not (tmp_path / "cache").exists()


def test_an_expired_cache_entry_discovers_again(aws, tmp_path):
    path = write(tmp_path, cached(tmp_path, cache_timeout=1))
    inventory(path)
    for entry in (tmp_path / "cache").iterdir():
        stamp = entry.stat().st_mtime - 3600
        os.utime(entry, (stamp, stamp))
    inventory(path)
    assert len(aws.sent) == 30


# --- refused options and failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, words",
    [
        ({"skip_accounts": ["12345"]}, "skip_accounts[0] (AccountId) must match the pattern ^\\d{12}$, got '12345'"),
        ({"skip_accounts": [123456789012]}, "skip_accounts[0] must be a string (quote IDs in YAML), got 123456789012"),
        ({"organizational_units": ["ou-x"]}, "organizational_units[0] (an OU or root id, ParentId) must match"),
        ({"skip_organizational_units": [TELEPHONY, "prod"]}, "skip_organizational_units[1] (an OU or root id"),
        ({"member_role_name": "no spaces"}, "member_role_name must be an IAM role name"),
        ({"external_id": "a"}, "external_id (AssumeRole ExternalId) must be at least 2 characters long"),
        ({"role_session_name": "a b"}, "role_session_name (AssumeRole RoleSessionName) must match"),
        ({"organizational_units": "ou-x"}, "organizational_units[0] (an OU or root id, ParentId) must match"),
    ],
)
def test_bad_options_are_refused_naming_the_option_before_any_request(aws, tmp_path, options, words):
    path = write(tmp_path, {**options, "assume_role_arn": "arn:aws:iam::111111111111:role/R"})
    message = parse_error(path)
    assert words in message, message
    assert f"{path}: {words}" in message or f"; {words}" in message, "the inventory's options, not the module's"
    assert aws.sent == [] and aws.clients == []


def test_member_role_name_is_required(aws, tmp_path):
    path = tmp_path / "org.aws_organization.yml"
    path.write_text(yaml.safe_dump({"plugin": PLUGIN, **ACCESS}))
    assert "member_role_name" in parse_error(str(path))
    assert aws.sent == []


def test_a_repeated_next_token_fails_the_inventory_with_the_reason(aws, tmp_path):
    aws.repeat_token = True
    message = parse_error(write(tmp_path, {}))
    assert message.startswith("Could not discover the organisation's accounts: Failed to list the accounts of")
    assert "NextToken it had already sent" in message


def test_a_refused_listing_fails_the_inventory_naming_it(aws, tmp_path):
    aws.refuse["ListOrganizationalUnitsForParent"] = "AccessDeniedException"
    message = parse_error(write(tmp_path, {}))
    assert "Failed to list the units of Root (access denied" in message
    assert "AccessDeniedException: refused by the test" in message
    assert aws.operations().count("ListOrganizationalUnitsForParent") == 1, "a refusal is not retried"


def test_an_account_outside_any_organisation_is_told_so(aws, tmp_path):
    aws.refuse["ListRoots"] = "AWSOrganizationsNotInUseException"
    assert "is not in an organisation" in parse_error(write(tmp_path, {}))


def test_a_caller_that_sts_refuses_fails_the_inventory(aws, tmp_path):
    aws.refuse["GetCallerIdentity"] = "InvalidClientTokenId"
    message = parse_error(write(tmp_path, {}))
    assert message.startswith("Could not tell the account of the inventory's credentials (sts:GetCallerIdentity)")


def test_a_request_that_got_no_answer_fails_the_inventory_in_the_sdk_s_words(aws, tmp_path):
    aws.unanswered["ListRoots"] = NoCredentialsError()
    message = parse_error(write(tmp_path, {}))
    assert message == (
        "Could not discover the organisation's accounts: Failed to list the roots of the organisation:"
        " Unable to locate credentials"
    )


def test_a_throttled_listing_is_sent_again_at_the_pace_not_failed(aws, tmp_path):
    aws.throttle_once = {"ListRoots", "ListAccountsForParent"}
    manager = inventory(write(tmp_path, {}))
    assert len(names(manager.get_hosts())) == 29
    assert aws.operations().count("ListRoots") == 2 and len(aws.sent) == 15 + 2
    organizations = next(c for c in aws.clients if c.meta.service_model.service_name == "organizations")
    assert pace_of(organizations).figures()["throttled"] == 2


# --- the file and the clients ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, mine",
    [
        ("org.aws_organization.yml", True),
        ("aws_organization.yaml", True),
        ("org.yml", False),
        ("org.aws_ec2.yml", False),
        ("aws_organization.json", False),
    ],
)
def test_the_file_name_rule(tmp_path, name, mine):
    path = write(tmp_path, {}, name=name)
    assert bool(inventory_loader.get(PLUGIN).verify_file(path)) is mine


def test_a_file_of_another_plugin_is_not_read(aws, tmp_path):
    path = tmp_path / "org.aws_organization.yml"
    path.write_text(yaml.safe_dump({"plugin": "amazon.aws.aws_ec2", "member_role_name": MEMBER_ROLE}))
    assert "Incorrect plugin name in file: amazon.aws.aws_ec2" in parse_error(str(path))
    assert aws.sent == []


def test_the_clients_organizations_at_endpoint_url_paced_sts_at_botocore_s_choice(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "https://sts.example.test")
    inventory(write(tmp_path, {"endpoint_url": "https://organizations.example.test"}))
    by_service = {c.meta.service_model.service_name: c for c in aws.clients}
    assert by_service["organizations"].meta.endpoint_url == "https://organizations.example.test"
    assert by_service["sts"].meta.endpoint_url == "https://sts.example.test"
    assert pace_of(by_service["organizations"]) is not None and pace_of(by_service["sts"]) is None
    assert by_service["organizations"].meta.config.retries["total_max_attempts"] == 1, "the retry layer's alone"
    assert by_service["sts"].meta.config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_without_endpoint_url_organizations_is_at_botocore_s_own_choice_in_us_east_1(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", "http://127.0.0.1:4566")
    inventory(write(tmp_path, {}))
    by_service = {c.meta.service_model.service_name: c for c in aws.clients}
    assert by_service["organizations"].meta.endpoint_url == "http://127.0.0.1:4566"
    assert by_service["organizations"].meta.region_name == "us-east-1", "a configured endpoint needs one to sign for"
    assert by_service["sts"].meta.endpoint_url != "http://127.0.0.1:4566"


def test_a_parse_error_is_a_parser_error(aws, tmp_path):
    aws.refuse["ListRoots"] = "AccessDeniedException"
    plugin = inventory_loader.get(PLUGIN)
    with pytest.raises(AnsibleParserError):
        plugin.parse(InventoryData(), DataLoader(), write(tmp_path, {}), cache=True)
