# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plug the chimesdkvoice backend into moto without forking it: the ONE file that touches moto internals.

moto has no public extension point for a service it does not ship.  Every moto name
used below that moto does not document is listed in ``INTERNALS``, and
``moto_internals_problems()`` checks each one; tests/chime_local/test_moto_shim.py is the
canary that fails loudly when a moto upgrade moves one of them:

1. ``moto.backends._import_backend`` imports ``"moto." + name``: ``register()`` puts the
   package in ``sys.modules["moto.chimesdkvoice"]`` so that ``moto.backends.get_backend``
   finds ``chimesdkvoice_backends`` there.
2. ``moto.backend_index.backend_url_patterns``: ``mock_aws()`` (in-process) finds the
   backend of a URL by these ``(backend name, compiled regex)`` pairs.
3. ``moto.moto_server.werkzeug_app.create_backend_app(name)``: moto's Flask app for one
   backend; the server sends every Chime request to it directly (``chime_app``).
4. ``moto.moto_server.werkzeug_app.DomainDispatcherApplication``: moto's dispatcher for
   every other service (IAM, STS, ...) on the same port (``moto_app``).
5. ``moto.iam.models.iam_backends``: the server creates its bootstrap admin in moto's IAM
   backend in-process (``iam_backend``), since moto has no root credentials.
6. ``moto.iam.models.get_account_id_from(access_key)``: the account whose IAM backend holds
   an access key (a user's, or one moto's STS issued for a role assumed in another
   account), else moto's default account.  ``account_id`` uses it after the two
   documented overrides, in the order ``BaseResponse.get_current_account`` checks them,
   so that the rate limit counts a request against the account the backend serves it as.
7. ``moto.organizations.models.organizations_backends``: the seed's organisation is built in
   moto's Organizations backend of the management account (``replace_organization``) through
   the methods its responses call (``create_organization``, ``list_roots``,
   ``create_organizational_unit``, ``create_account``, ``move_account``, ``get_account_by_id``);
   ``BaseBackend.reset`` clears it.  Accounts get the seed's ids the way moto gives the
   management account its id in ``create_organization``: the ``FakeAccount`` that
   ``create_account`` made with a random id has its ``id`` (and ``name``, ``email``, ``status``,
   ``state``, ``create_time``: what its ``describe()`` reads) set afterwards.  The backend
   dict's ``master_accounts`` (member account -> management account and partition, read by
   moto's member-side calls) moves to the new id, and the IAM backend of the random id (where
   ``FakeAccount`` put its ``OrganizationAccountAccessRole``, the management account's too) is
   dropped, under moto's ``backend_lock``.
8. ``moto.iam.models.IAMBackend.create_role``, ``get_role`` and ``put_role_policy``: the seed's
   member roles (``replace_organization``); ``role_exists`` reads ``get_role_by_arn`` (with
   ``--enforce-iam`` STS refuses to assume a role that does not exist, as AWS does); both catch
   ``moto.iam.exceptions.NotFoundException`` for a role that is not there.  ``policy_problem``
   checks a member role's policy with ``moto.iam.policy_validation.IAMPolicyDocumentValidator``,
   the check ``put_role_policy`` makes, when the seed is read (not later, half-way through).

IAM enforcement itself uses moto's documented switch, the environment variable
``INITIAL_NO_AUTH_ACTION_COUNT`` set before moto is imported (server.py does it).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import NamedTuple

BACKEND_NAME = "chimesdkvoice"
MODULE_NAME = f"moto.{BACKEND_NAME}"
URL_PATTERN = r"https?://voice-chime\.(.+)\.amazonaws\.com"
SUPPORTED_MOTO = ((5, 2), (5, 3))  # tested with moto 5.2.x: >=5.2,<5.3
INTERNALS = (
    "moto.backends._import_backend",
    "moto.backends.get_backend",
    "moto.backend_index.backend_url_patterns",
    "moto.moto_server.werkzeug_app.create_backend_app",
    "moto.moto_server.werkzeug_app.DomainDispatcherApplication",
    "moto.iam.models.iam_backends",
    "moto.iam.models.get_account_id_from",
    "moto.iam.models.IAMBackend",
    "moto.iam.exceptions.NotFoundException",
    "moto.iam.policy_validation.IAMPolicyDocumentValidator",
    "moto.organizations.models.organizations_backends",
    "moto.organizations.models.OrganizationsBackend",
    "moto.organizations.models.FakeAccount",
)
# The Organizations backend is global: one per partition, and the seed's organisation is in this one.
ORGANIZATIONS_PARTITION = "aws"
ORGANIZATIONS_METHODS = (
    "create_organization",
    "create_organizational_unit",
    "create_account",
    "list_roots",
    "move_account",
    "get_account_by_id",
    "reset",
)
# What FakeAccount.describe() reads, the attributes replace_organization sets.
ACCOUNT_ATTRIBUTES = ("self.id", "self.name", "self.email", "self.status", "self.state", "self.create_time")
IAM_METHODS = ("create_role", "get_role", "get_role_by_arn", "put_role_policy")
# account_id's memory of the account of each access key.  moto's get_account_id_from walks the IAM backend of every
# account in every partition: with the 520 accounts of a benchmark's organisation that is milliseconds a request.
# A key never moves to another account (moto draws new keys at random, so a key unknown when first seen stays
# unknown); the server never resets IAM.
KEY_ACCOUNTS_LIMIT = 100_000
_KEY_ACCOUNTS: dict[str, str] = {}
# What moto's BaseResponse.get_current_account checks, in this order (its documented overrides, then the key).
ACCOUNT_ENV = "MOTO_ACCOUNT_ID"
ACCOUNT_HEADER = "x-moto-account-id"
ACCOUNT_SOURCES = (ACCOUNT_ENV, ACCOUNT_HEADER, "get_account_id_from")


class OrganizationAccount(NamedTuple):
    """One account of the seed's organisation, as ``replace_organization`` makes it."""

    account_id: str
    name: str
    email: str
    state: str  # the Account shape's State
    status: str  # its Status (AWS retires it on 2026-09-09 in favour of State)
    joined: datetime  # JoinedTimestamp (moto's create_time)
    parent: str  # the path of its unit ("Telephony/Prod"), "" for the root


class MemberRole(NamedTuple):
    """An IAM role made in every member account: trusted by the management account, with an inline policy."""

    name: str
    policy: str  # a policy document (JSON)


class MotoInternalsChanged(RuntimeError):
    """moto moved an internal the shim relies on: update tools/chime_local/moto_shim.py."""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def moto_version_supported() -> bool:
    """True when the installed moto is in the range the shim was tested with (requirements.txt pin)."""
    import moto  # pylint: disable=import-outside-toplevel

    low, high = SUPPORTED_MOTO
    return low <= _version_tuple(moto.__version__) < high


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def _werkzeug_app() -> Any:
    from moto.moto_server import werkzeug_app  # pylint: disable=import-outside-toplevel  # needs moto[server]

    return werkzeug_app


def moto_internals_problems(server: bool = True) -> list[str]:
    """Describe every moto internal of ``INTERNALS`` that is missing or changed."""
    import moto.backend_index  # pylint: disable=import-outside-toplevel
    import moto.backends  # pylint: disable=import-outside-toplevel

    problems: list[str] = []
    importer = getattr(moto.backends, "_import_backend", None)
    if not callable(importer) or '"moto." + module_name' not in _source(importer):
        problems.append("moto.backends._import_backend no longer imports 'moto.' + module_name")
    if not callable(getattr(moto.backends, "get_backend", None)):
        problems.append("moto.backends.get_backend is gone")
    patterns = getattr(moto.backend_index, "backend_url_patterns", None)
    if not isinstance(patterns, list) or not all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], re.Pattern) for p in patterns
    ):
        problems.append("moto.backend_index.backend_url_patterns is no longer a list of (name, compiled regex)")
    if server:
        try:
            app = _werkzeug_app()
        except ImportError as err:
            problems.append(f"moto.moto_server.werkzeug_app cannot be imported ({err}); install moto[server]")
        else:
            creator = getattr(app, "create_backend_app", None)
            if not callable(creator) or list(inspect.signature(creator).parameters) != ["service"]:
                problems.append("moto.moto_server.werkzeug_app.create_backend_app(service) is gone or changed")
            dispatcher = getattr(app, "DomainDispatcherApplication", None)
            if dispatcher is None or list(inspect.signature(dispatcher).parameters) != ["create_app"]:
                problems.append("moto.moto_server.werkzeug_app.DomainDispatcherApplication(create_app) changed")
        try:
            from moto.iam import models as iam_models  # pylint: disable=import-outside-toplevel
        except ImportError as err:
            problems.append(f"moto.iam.models cannot be imported ({err})")
        else:
            if not hasattr(iam_models, "iam_backends"):
                problems.append("moto.iam.models.iam_backends is gone")
            if not callable(getattr(iam_models, "get_account_id_from", None)):
                problems.append("moto.iam.models.get_account_id_from is gone")
        problems += _account_order_problems()
        problems += _organizations_problems()
    return problems


def _organizations_problems() -> list[str]:
    try:
        from moto.iam.models import IAMBackend  # pylint: disable=import-outside-toplevel
        from moto.organizations import models  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        return [f"moto.organizations.models cannot be imported ({err})"]
    problems = []
    backends = getattr(models, "organizations_backends", None)
    if not isinstance(getattr(backends, "master_accounts", None), dict):
        problems.append("moto.organizations.models.organizations_backends.master_accounts is no longer a dict")
    backend_class = getattr(models, "OrganizationsBackend", None)
    missing = [name for name in ORGANIZATIONS_METHODS if not callable(getattr(backend_class, name, None))]
    if missing:
        problems.append(f"moto.organizations.models.OrganizationsBackend lost {', '.join(missing)}")
    describe = _source(getattr(getattr(models, "FakeAccount", None), "describe", None))
    if not all(attribute in describe for attribute in ACCOUNT_ATTRIBUTES):
        problems.append(f"moto's FakeAccount.describe() no longer reads {', '.join(ACCOUNT_ATTRIBUTES)}")
    missing = [name for name in IAM_METHODS if not callable(getattr(IAMBackend, name, None))]
    if missing:
        problems.append(f"moto.iam.models.IAMBackend lost {', '.join(missing)}")
    return problems


def _account_order_problems() -> list[str]:
    from moto.core.responses import BaseResponse  # pylint: disable=import-outside-toplevel

    source = _source(getattr(BaseResponse, "get_current_account", None))
    places = [source.find(name) for name in ACCOUNT_SOURCES]
    if -1 in places or places != sorted(places):
        return [f"moto's BaseResponse.get_current_account no longer checks {', '.join(ACCOUNT_SOURCES)} in this order"]
    return []


def register(server: bool = True) -> None:
    """Register the backend with moto (idempotent), for ``mock_aws()`` and for the server."""
    problems = moto_internals_problems(server=server)
    if problems:
        raise MotoInternalsChanged("; ".join(problems) + " - update tools/chime_local/moto_shim.py")
    import moto  # pylint: disable=import-outside-toplevel
    import moto.backend_index  # pylint: disable=import-outside-toplevel

    from . import chimesdkvoice  # pylint: disable=import-outside-toplevel

    sys.modules[MODULE_NAME] = chimesdkvoice
    setattr(moto, BACKEND_NAME, chimesdkvoice)
    patterns = moto.backend_index.backend_url_patterns
    if not any(name == BACKEND_NAME for name, _pattern in patterns):
        patterns.append((BACKEND_NAME, re.compile(URL_PATTERN)))


def chime_app() -> Any:
    """moto's WSGI app for the chimesdkvoice backend alone (call ``register()`` first)."""
    return _werkzeug_app().create_backend_app(BACKEND_NAME)


def moto_app() -> Any:
    """moto's WSGI dispatcher for every moto service (IAM, STS, ...)."""
    app = _werkzeug_app()
    return app.DomainDispatcherApplication(app.create_backend_app)


def iam_backend(account_id: str) -> Any:
    """moto's global IAM backend of ``account_id``."""
    from moto.iam.models import iam_backends  # pylint: disable=import-outside-toplevel

    return iam_backends[account_id]["aws"]


def account_id(access_key: str | None, account_header: str | None = None) -> str:
    """The account moto serves a request as: ``MOTO_ACCOUNT_ID`` if set, else the ``x-moto-account-id`` header
    (``account_header``, None when absent), else the account of ``access_key`` (moto's default when no account
    has it), remembered for the next request with that key."""
    if ACCOUNT_ENV in os.environ:
        return os.environ[ACCOUNT_ENV]
    if account_header is not None:
        return account_header
    key = access_key or ""
    known = _KEY_ACCOUNTS.get(key)
    if known is None:
        from moto.iam.models import get_account_id_from  # pylint: disable=import-outside-toplevel

        if len(_KEY_ACCOUNTS) >= KEY_ACCOUNTS_LIMIT:
            _KEY_ACCOUNTS.clear()
        known = _KEY_ACCOUNTS[key] = str(get_account_id_from(key))
    return known


def forget_key_accounts() -> None:
    """Empty ``account_id``'s memory (for tests that reset moto's backends in-process)."""
    _KEY_ACCOUNTS.clear()


def _organizations_backends() -> Any:
    from moto.organizations.models import organizations_backends  # pylint: disable=import-outside-toplevel

    return organizations_backends


def remove_organizations() -> None:
    """No organisation anywhere: every Organizations backend reset, no member account known."""
    backends = _organizations_backends()
    for _account, _partition, backend in list(backends.iter_backends()):
        backend.reset()
    backends.master_accounts.clear()


def replace_organization(
    management_account: str,
    feature_set: str,
    unit_paths: list[str],
    accounts: list[OrganizationAccount],
    member_roles: list[MemberRole],
) -> dict[str, str]:
    """Replace every organisation with this one; the ids moto drew for its root ("") and units (by path).

    ``unit_paths`` lists parents before their children.  The management account is moto's (``create_organization``
    makes it); an entry of ``accounts`` with its id only changes its name, email and joined time.
    """
    from moto.core.base_backend import backend_lock  # pylint: disable=import-outside-toplevel
    from moto.iam.models import iam_backends  # pylint: disable=import-outside-toplevel

    backends = _organizations_backends()
    # moto makes an account's IAM backend under this lock (BackendDict): no other request adds one meanwhile.
    with backend_lock:
        known_iam = set(iam_backends)
        remove_organizations()
        backend = backends[management_account][ORGANIZATIONS_PARTITION]
        backend.create_organization(region="us-east-1", FeatureSet=feature_set)
        ids = {"": backend.list_roots()["Roots"][0]["Id"]}
        for path in unit_paths:
            parent, _sep, name = path.rpartition("/")
            ids[path] = backend.create_organizational_unit(Name=name, ParentId=ids[parent])["OrganizationalUnit"]["Id"]
        for spec in accounts:
            account = _seed_account(backend, backends, spec, management_account)
            if spec.parent:
                backend.move_account(AccountId=account.id, SourceParentId=ids[""], DestinationParentId=ids[spec.parent])
        # Every FakeAccount (the management account's too) made an OrganizationAccountAccessRole in the IAM backend
        # of the random id it was born with; nothing else uses those accounts.
        wanted = {spec.account_id for spec in accounts} | {management_account}
        for drawn in set(iam_backends) - known_iam - wanted:
            iam_backends.pop(drawn, None)
    for spec in accounts:
        if spec.account_id != management_account:
            _make_roles(spec.account_id, management_account, member_roles)
    return ids


def _seed_account(backend: Any, backends: Any, spec: OrganizationAccount, management_account: str) -> Any:
    """moto's account of ``spec``: the management account's, or one ``create_account`` makes, given the seed's id."""
    if spec.account_id == management_account:
        account = backend.get_account_by_id(management_account)
    else:
        status = backend.create_account(AccountName=spec.name, Email=spec.email)["CreateAccountStatus"]
        account = backend.get_account_by_id(status["AccountId"])
        backends.master_accounts.pop(account.id, None)
        account.id = spec.account_id
        backends.master_accounts[spec.account_id] = (management_account, ORGANIZATIONS_PARTITION)
    account.name, account.email = spec.name, spec.email
    account.status, account.state = spec.status, spec.state
    # moto's create_time is naive UTC (its utcnow()); describe() subtracts a naive epoch from it.
    account.create_time = spec.joined.astimezone(timezone.utc).replace(tzinfo=None)
    return account


def _make_roles(account_id: str, management_account: str, roles: list[MemberRole]) -> None:
    """The member roles in one account (kept when they exist; their inline policy put again)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management_account}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    from moto.iam.exceptions import NotFoundException  # pylint: disable=import-outside-toplevel

    backend = iam_backend(account_id)
    for role in roles:
        try:
            backend.get_role(role.name)
        except NotFoundException:
            backend.create_role(
                role_name=role.name,
                assume_role_policy_document=json.dumps(trust),
                path="/",
                permissions_boundary=None,
                description="Made by chime_local for the seed's organisation",
                tags=[],
                max_session_duration="3600",
            )
        backend.put_role_policy(role.name, f"{role.name}-policy", role.policy)


def policy_problem(document: str) -> str | None:
    """Why moto's IAM would refuse ``document`` as a role's inline policy; None when it takes it."""
    from moto.core.exceptions import ServiceException  # pylint: disable=import-outside-toplevel
    from moto.iam.policy_validation import IAMPolicyDocumentValidator  # pylint: disable=import-outside-toplevel

    try:
        IAMPolicyDocumentValidator(document).validate()
    except ServiceException as err:
        return str(err.message)
    return None


def role_exists(role_arn: str) -> bool:
    """True when the IAM backend of the ARN's account has the role (an ARN that names no account: False)."""
    match = re.fullmatch(r"arn:[^:]+:iam::(\d{12}):role/.+", role_arn or "")
    if not match:
        return False
    from moto.iam.exceptions import NotFoundException  # pylint: disable=import-outside-toplevel

    try:
        iam_backend(match.group(1)).get_role_by_arn(role_arn)
    except NotFoundException:
        return False
    return True
