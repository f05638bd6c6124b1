# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The accounts and organization options of the modules that work across accounts (module_utils/_chime/accounts.py
    # account_options, organizations.py). A literal string: ansible-test's yamllint reads every assignment here.
    DOCUMENTATION = r"""
options:
  accounts:
    description:
      - The accounts to work on, each reached with a role or a profile.
      - Without it (and without O(organization)), the account of the module's own credentials.
      - Mutually exclusive with O(organization).
      - A role is assumed with C(sts:AssumeRole), using the module's own credentials. STS's endpoint is botocore's
        own choice (the regional endpoint of O(region), or of the first of O(regions)), which
        C(AWS_ENDPOINT_URL_STS) or a profile's C(services) section can change; O(endpoint_url) is Chime's only.
      - The same account reached twice is worked on once, with a warning.
    type: list
    elements: dict
    suboptions:
      role_arn:
        description:
          - The ARN of an IAM role in the account, C(arn:aws:iam::ACCOUNT_ID:role/NAME).
          - Mutually exclusive with O(accounts[].profile).
        type: str
      external_id:
        description:
          - The external ID the role's trust policy asks for (C(AssumeRole) C(ExternalId)).
        type: str
      role_session_name:
        description:
          - The role session name, seen in the account's CloudTrail (C(AssumeRole) C(RoleSessionName)).
          - Without it, the module's own, C(telephony-chime-inventory) for M(telephony.chime.chime_proxy_inventory)
            and C(telephony-chime-drain) for M(telephony.chime.chime_proxy_drain), so that CloudTrail tells an audit
            from a drain.
        type: str
      profile:
        description:
          - A profile of the AWS configuration files whose credentials reach the account (for example one profile
            per account of AWS IAM Identity Center).
          - Mutually exclusive with O(accounts[].role_arn).
        type: str
  organization:
    description:
      - Work on the accounts of the caller's AWS organisation, found with C(organizations:ListRoots),
        C(organizations:ListOrganizationalUnitsForParent) and C(organizations:ListAccountsForParent) (every page, at
        any depth, with the module's own credentials), each reached by assuming O(organization.member_role_name) in
        it. Organizations' endpoint is botocore's own choice (C(AWS_ENDPOINT_URL_ORGANIZATIONS) or a profile's
        C(services) section change it), as STS's is.
      - The caller's own account, when it is in scope, is reached with the module's own credentials, not through the
        role, since AWS creates the member role (C(OrganizationAccountAccessRole)) in member accounts only.
      - Only accounts whose state is C(ACTIVE) are in scope unless O(organization.include_suspended=true); the
        state is the account's C(State) (AWS retired C(Status) on 2026-09-09). Every account found and left out is
        listed in the result with the reason, so that a run never reads as complete over an account it left.
      - An account whose role cannot be assumed is skipped with the reason, and the task fails, as with O(accounts).
      - Mutually exclusive with O(accounts).
    type: dict
    suboptions:
      member_role_name:
        description:
          - The role to assume in each account, by name (with its path, if it has one); its ARN is built in the
            partition of the account's own ARN, C(arn:PARTITION:iam::ACCOUNT_ID:role/NAME).
        type: str
        required: true
      organizational_units:
        description:
          - OU or root ids (V(ou-...), V(r-...)) whose accounts, at any depth, are in scope; without it, the whole
            organisation.
        type: list
        elements: str
      skip_organizational_units:
        description:
          - OU ids whose accounts, at any depth, are left out.
        type: list
        elements: str
      skip_accounts:
        description:
          - Account ids (12 digits) left out.
        type: list
        elements: str
      include_suspended:
        description:
          - Take in accounts whose state is not C(ACTIVE) too (C(SUSPENDED), C(PENDING_CLOSURE), ...).
        type: bool
        default: false
      external_id:
        description:
          - The external ID the member role's trust policy asks for (C(AssumeRole) C(ExternalId)).
        type: str
      role_session_name:
        description:
          - The role session name, seen in each account's CloudTrail (C(AssumeRole) C(RoleSessionName)).
          - Without it, the module's own, as for O(accounts[].role_session_name).
        type: str
"""
