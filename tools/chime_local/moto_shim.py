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

IAM enforcement itself uses moto's documented switch, the environment variable
``INITIAL_NO_AUTH_ACTION_COUNT`` set before moto is imported (server.py does it).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from typing import Any

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
)
# What moto's BaseResponse.get_current_account checks, in this order (its documented overrides, then the key).
ACCOUNT_ENV = "MOTO_ACCOUNT_ID"
ACCOUNT_HEADER = "x-moto-account-id"
ACCOUNT_SOURCES = (ACCOUNT_ENV, ACCOUNT_HEADER, "get_account_id_from")


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
    has it)."""
    if ACCOUNT_ENV in os.environ:
        return os.environ[ACCOUNT_ENV]
    if account_header is not None:
        return account_header
    from moto.iam.models import get_account_id_from  # pylint: disable=import-outside-toplevel

    return str(get_account_id_from(access_key or ""))
