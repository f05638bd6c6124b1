# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plug the chimesdkvoice backend into moto without forking it (the ONE registration file).

moto has no public extension point, so ``register()`` touches three internals:

1. ``sys.modules["moto.chimesdkvoice"]``: ``moto.backends.get_backend(name)`` imports
   ``"moto." + name`` and reads ``<name>_backends`` from it.
2. ``moto.backend_index.backend_url_patterns``: both ``mock_aws()`` (the botocore
   stubber) and the server's ``DomainDispatcherApplication`` find the backend for a
   URL by these ``(backend name, compiled regex)`` pairs.
3. ``moto.moto_server.werkzeug_app.SIGNING_ALIASES``: the server dispatches a request
   by its SigV4 credential-scope service.  chime-sdk-voice signs as ``chime`` while
   its endpointPrefix is ``voice-chime``, so ``chime`` must map to ``voice-chime``.
   (moto has no other ``chime`` backend today; chime-sdk-meetings/messaging also sign
   as ``chime`` and would need path-based dispatch if moto ever adds them.)

``moto_internals_problems()`` checks that these are still where we expect them;
tests/chime_local/test_moto_shim.py is the canary that fails loudly when they move.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import moto
import moto.backend_index
import moto.backends

from . import chimesdkvoice

BACKEND_NAME = "chimesdkvoice"
MODULE_NAME = f"moto.{BACKEND_NAME}"
SIGNING_NAME = "chime"
ENDPOINT_PREFIX = "voice-chime"
URL_PATTERN = r"https?://voice-chime\.(.+)\.amazonaws\.com"
SUPPORTED_MOTO = ((5, 2), (5, 3))  # tested with moto 5.2.x: >=5.2,<5.3


class MotoInternalsChanged(RuntimeError):
    """moto moved an internal the shim relies on: update tools/chime_local/moto_shim.py."""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def moto_version_supported() -> bool:
    """True when the installed moto is in the range the shim was tested with (requirements.txt pin)."""
    low, high = SUPPORTED_MOTO
    return low <= _version_tuple(moto.__version__) < high


def _werkzeug_app() -> Any:
    from moto.moto_server import werkzeug_app  # pylint: disable=import-outside-toplevel  # needs flask

    return werkzeug_app


def moto_internals_problems(server: bool = True) -> list[str]:
    """Describe every moto internal the shim relies on that is missing or changed."""
    problems: list[str] = []
    patterns = getattr(moto.backend_index, "backend_url_patterns", None)
    if not isinstance(patterns, list) or not all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], re.Pattern) for p in patterns
    ):
        problems.append("moto.backend_index.backend_url_patterns is no longer a list of (name, compiled regex)")
    importer = getattr(moto.backends, "_import_backend", None)
    if not callable(importer) or '"moto." + module_name' not in _source(importer):
        problems.append("moto.backends._import_backend no longer imports 'moto.' + module_name")
    if not callable(getattr(moto.backends, "get_backend", None)):
        problems.append("moto.backends.get_backend is gone")
    if server:
        try:
            app = _werkzeug_app()
        except ImportError as err:
            problems.append(f"moto.moto_server.werkzeug_app cannot be imported ({err}); install moto[server]")
        else:
            if not isinstance(getattr(app, "SIGNING_ALIASES", None), dict):
                problems.append("moto.moto_server.werkzeug_app.SIGNING_ALIASES is no longer a dict")
            dispatcher = getattr(app, "DomainDispatcherApplication", None)
            if dispatcher is None or "SIGNING_ALIASES" not in _source(dispatcher.infer_service_region_host):
                problems.append("DomainDispatcherApplication.infer_service_region_host no longer uses SIGNING_ALIASES")
    return problems


def _source(obj: Any) -> str:
    import inspect  # pylint: disable=import-outside-toplevel

    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def register(server: bool = True) -> None:
    """Register the backend with moto (idempotent).  ``server=False`` skips the server alias."""
    problems = moto_internals_problems(server=server)
    if problems:
        raise MotoInternalsChanged("; ".join(problems) + " - update tools/chime_local/moto_shim.py")
    sys.modules[MODULE_NAME] = chimesdkvoice
    setattr(moto, BACKEND_NAME, chimesdkvoice)
    patterns = moto.backend_index.backend_url_patterns
    if not any(name == BACKEND_NAME for name, _pattern in patterns):
        patterns.append((BACKEND_NAME, re.compile(URL_PATTERN)))
    if server:
        _werkzeug_app().SIGNING_ALIASES[SIGNING_NAME] = ENDPOINT_PREFIX
