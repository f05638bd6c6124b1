# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery of an organisation's accounts (module_utils/_chime/organizations.py) through a real AWS Organizations
client behind botocore's Stubber, which plays an organisation tree page by page (the model's 20 a page at most) and
records every request; answers are checked against AWS's model."""

import copy

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import organizations
from ansible_collections.telephony.chime.plugins.module_utils._chime.errors import AnsibleChimeError
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.module_utils._chime.pace import Pace
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import ACCOUNT_HAS_STATE
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import account_state

ROOT = "r-ab12"
TELEPHONY = "ou-ab12-11111111"
PROD = "ou-ab12-22222222"
EDGE = "ou-ab12-33333333"
SANDBOX = "ou-ab12-44444444"
MANAGEMENT = "111111111111"


def account(account_id, name, state="ACTIVE", partition="aws", status=None):
    item = {
        "Id": account_id,
        "Name": name,
        "Email": f"{name.lower().replace(' ', '-')}@example.com",
        "Arn": f"arn:{partition}:organizations::{MANAGEMENT}:account/o-exampleorg/{account_id}",
    }
    if state is not None:
        item.update(account_state(state))
    if status is not None:
        item["Status"] = status
    return item


def tree():
    """parent id -> (name, child units, accounts): Root > Telephony > Prod > Edge, and Root > Sandbox."""
    return {
        ROOT: ("Root", [TELEPHONY, SANDBOX], [account(MANAGEMENT, "Management")]),
        TELEPHONY: ("Telephony", [PROD], [account("222222222222", "Partner")]),
        PROD: ("Prod", [EDGE], [account(f"3000000000{n:02d}", f"Prod {n}") for n in range(45)]),
        EDGE: ("Edge", [], [account("555555555555", "Edge one")]),
        SANDBOX: ("Sandbox", [], [account("444444444444", "Closed sandbox", "SUSPENDED")]),
    }


class FakeOrganization(Stubber):
    def __init__(self, client, nodes):
        super().__init__(client)
        self.nodes = nodes
        self.sent = []
        self.repeat_token = None

    def page(self, items, params, key):
        start = int(params.get("NextToken", "0"))
        size = params["MaxResults"]
        body = {key: items[start : start + size]}
        if start + size < len(items):
            body["NextToken"] = str(start + size)
        if self.repeat_token and "NextToken" in params:
            body["NextToken"] = params["NextToken"]
        return body

    def parent_of(self, child):
        return next(p for p, (_n, units, accounts) in self.nodes.items() if child in units)

    def answer(self, op, params):
        if op == "ListRoots":
            return self.page(
                [{"Id": ROOT, "Name": "Root", "Arn": "arn:aws:organizations::1:root/o-1/r-ab12"}], params, "Roots"
            )
        if op == "ListOrganizationalUnitsForParent":
            units = [{"Id": u, "Name": self.nodes[u][0]} for u in self.nodes[params["ParentId"]][1]]
            return self.page(units, params, "OrganizationalUnits")
        if op == "ListAccountsForParent":
            return self.page(self.nodes[params["ParentId"]][2], params, "Accounts")
        if op == "ListParents":
            parent = self.parent_of(params["ChildId"])
            return self.page(
                [{"Id": parent, "Type": "ROOT" if parent.startswith("r-") else "ORGANIZATIONAL_UNIT"}],
                params,
                "Parents",
            )
        if op == "DescribeOrganizationalUnit":
            unit = params["OrganizationalUnitId"]
            return {"OrganizationalUnit": {"Id": unit, "Name": self.nodes[unit][0]}}
        raise AssertionError(op)

    def _assert_expected_params(self, model, params, context, **kwargs):
        self.sent.append((model.name, dict(params)))
        if model.name in getattr(self, "denied", ()):
            # As AWS answers it: Organizations sends every error with HTTP 400, a refusal too.
            error = {"Code": "AccessDeniedException", "Message": "not authorized"}
            context["fake"] = (
                AWSResponse(None, 400, {}, None),
                {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}},
            )
            return
        body = self.answer(model.name, params)
        self._validate_operation_response(model.name, body)
        context["fake"] = (AWSResponse(None, 200, {}, None), copy.deepcopy(body))

    def _get_response_handler(self, model, params, context, **kwargs):
        return context.pop("fake")


@pytest.fixture
def org():
    client = boto3.session.Session().client(
        "organizations", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    Pace("AWS Organizations").attach(client)
    fake = FakeOrganization(client, tree())
    fake.activate()
    fake.client_ = client
    return fake


def scope(**options):
    return organizations.OrganizationScope.from_option({"member_role_name": "ChimeAudit", **options})


def ids(accounts):
    return [a.account_id for a in accounts]


def test_the_whole_organisation_at_every_depth_and_every_page(org):
    found = organizations.discover(org.client_, scope())
    prod = [f"3000000000{n:02d}" for n in range(45)]
    assert ids(found.accounts) == [MANAGEMENT, "222222222222"] + prod + ["555555555555"]
    by_id = {a.account_id: a for a in found.accounts}
    assert by_id["555555555555"].ou_path == "Root/Telephony/Prod/Edge"
    assert by_id[prod[0]].ou_path == "Root/Telephony/Prod" and by_id[prod[0]].parent_id == PROD
    assert by_id[MANAGEMENT].ou_path == "Root"
    assert found.found == 49  # 1 + 1 + 45 + 1 + 1
    assert found.left_out == [
        {
            "account_id": "444444444444",
            "name": "Closed sandbox",
            "email": "closed-sandbox@example.com",
            "ou_path": "Root/Sandbox",
            "state": "SUSPENDED",
            "reason": "its state is SUSPENDED, not ACTIVE (include_suspended takes it in)",
        }
    ]
    pages = [params for op, params in org.sent if op == "ListAccountsForParent" and params["ParentId"] == PROD]
    assert [p.get("NextToken") for p in pages] == [None, "20", "40"]
    assert all(params["MaxResults"] == 20 for _op, params in org.sent)


def test_units_asked_for_bring_their_subtree_and_their_path_from_the_root(org):
    found = organizations.discover(org.client_, scope(organizational_units=[PROD, EDGE]))
    assert ids(found.accounts)[-1] == "555555555555" and len(found.accounts) == 46, "Edge once, though under Prod too"
    assert {a.ou_path for a in found.accounts} == {"Root/Telephony/Prod", "Root/Telephony/Prod/Edge"}
    assert ("ListParents", {"ChildId": PROD, "MaxResults": 20}) in org.sent
    assert ("DescribeOrganizationalUnit", {"OrganizationalUnitId": TELEPHONY}) in org.sent
    assert not any(params.get("ParentId") == SANDBOX for _op, params in org.sent)


def test_a_root_asked_for_is_the_whole_tree_under_it(org):
    found = organizations.discover(org.client_, scope(organizational_units=[ROOT]))
    assert found.found == 49 and not any(op == "ListParents" for op, _p in org.sent)


def test_skipped_units_at_any_depth_and_skipped_accounts_are_left_out_with_their_reason(org):
    found = organizations.discover(org.client_, scope(skip_organizational_units=[PROD], skip_accounts=["222222222222"]))
    assert ids(found.accounts) == [MANAGEMENT]
    reasons = {item["account_id"]: item["reason"] for item in found.left_out}
    assert reasons["555555555555"] == f"in {PROD}, one of skip_organizational_units", "Edge lies under Prod"
    assert reasons["300000000000"] == f"in {PROD}, one of skip_organizational_units"
    assert reasons["222222222222"] == "in skip_accounts"
    assert len(found.left_out) == 48 and found.found == 49  # Prod 45, Edge, Partner, and Sandbox suspended


def test_suspended_accounts_are_in_scope_when_asked(org):
    found = organizations.discover(org.client_, scope(include_suspended=True))
    assert "444444444444" in ids(found.accounts) and found.left_out == []


@pytest.mark.parametrize(
    "item, in_scope",
    [
        (account("666666666666", "Old answer", state=None, status="ACTIVE"), True),
        (account("666666666666", "Old answer", state=None, status="SUSPENDED"), False),
        pytest.param(
            account("666666666666", "Both", state="SUSPENDED", status="ACTIVE"),
            False,
            marks=pytest.mark.skipif(not ACCOUNT_HAS_STATE, reason="this botocore's model has no State to answer"),
        ),
        (account("666666666666", "Closed", state="CLOSED"), False),
        (account("666666666666", "Pending", state="PENDING_CLOSURE"), False),
        (account("666666666666", "Nothing said", state=None), False),
    ],
)
def test_the_state_decides_and_status_only_stands_in_for_it(org, item, in_scope):
    org.nodes[EDGE] = ("Edge", [], [item])
    found = organizations.discover(org.client_, scope())
    assert ("666666666666" in ids(found.accounts)) is in_scope


def test_the_member_role_is_built_in_the_partition_of_the_account(org):
    org.nodes[EDGE] = ("Edge", [], [account("777777777777", "Gov", partition="aws-us-gov")])
    found = organizations.discover(org.client_, scope())
    gov = next(a for a in found.accounts if a.account_id == "777777777777")
    assert gov.role_arn("ChimeAudit") == "arn:aws-us-gov:iam::777777777777:role/ChimeAudit"
    assert found.accounts[0].role_arn("ops/ChimeAudit") == f"arn:aws:iam::{MANAGEMENT}:role/ops/ChimeAudit"


def test_the_caller_s_own_account_is_reached_with_its_own_credentials(org):
    found = organizations.discover(org.client_, scope(external_id="audit-1", role_session_name="chime"))
    specs = organizations.organization_specs(found, scope(external_id="audit-1", role_session_name="chime"), MANAGEMENT)
    own = specs[0]
    assert own.role_arn is None and own.account_id == MANAGEMENT and own.known_account_id == MANAGEMENT
    assert own.details["ou_path"] == "Root"
    partner = specs[1]
    assert (partner.role_arn, partner.external_id, partner.role_session_name) == (
        "arn:aws:iam::222222222222:role/ChimeAudit",
        "audit-1",
        "chime",
    )
    assert partner.known_account_id == "222222222222" and partner.details["name"] == "Partner"


def test_a_repeated_next_token_fails_discovery(org):
    org.repeat_token = True
    with pytest.raises(AnsibleChimeError) as failure:
        organizations.discover(org.client_, scope())
    assert "Failed to list the accounts of Root/Telephony/Prod" in failure.value.message
    assert "NextToken it had already sent" in failure.value.message


def test_a_refused_listing_fails_discovery_naming_it(org):
    org.denied = {"ListOrganizationalUnitsForParent"}
    with pytest.raises(AnsibleChimeError) as failure:
        organizations.discover(org.client_, scope())
    assert failure.value.message.startswith("Failed to list the units of Root (access denied")


@pytest.fixture
def models():
    session = ChimeModel().session
    return session.get_service_model("organizations"), session.get_service_model("sts")


@pytest.mark.parametrize(
    "option, words",
    [
        (
            {"organizational_units": ["ou-x"]},
            "organization.organizational_units[0] (an OU or root id, ParentId) must match",
        ),
        ({"skip_organizational_units": [TELEPHONY, "prod"]}, "organization.skip_organizational_units[1]"),
        ({"skip_accounts": ["12345"]}, "organization.skip_accounts[0] (AccountId) must match the pattern ^\\d{12}$"),
        ({"member_role_name": "no spaces"}, "organization.member_role_name must be an IAM role name"),
        ({"member_role_name": "r" * 65}, "organization.member_role_name must be an IAM role name"),
        ({"external_id": "a"}, "organization.external_id (AssumeRole ExternalId) must be at least 2"),
        ({"role_session_name": "a b"}, "organization.role_session_name (AssumeRole RoleSessionName) must match"),
    ],
)
def test_the_organization_option_is_checked_against_the_models(models, option, words):
    errors = organizations.scope_violations(*models, {"member_role_name": "ChimeAudit", **option})
    assert any(words in error for error in errors), errors


def test_a_valid_organization_option_has_no_violation(models):
    option = {
        "member_role_name": "path/ChimeAudit",
        "organizational_units": [ROOT, TELEPHONY],
        "skip_accounts": ["123456789012"],
        "external_id": "audit-1",
        "role_session_name": "chime",
    }
    assert organizations.scope_violations(*models, option) == []
    assert organizations.scope_violations(*models, None) == []
