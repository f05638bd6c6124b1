# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Canary for the moto internals tools/chime_local/moto_shim.py relies on.

If one of these fails after a moto upgrade, moto moved an internal: fix moto_shim.py
(and the moto pin in tools/chime_local/requirements.txt), nothing else.
"""

from __future__ import annotations

from typing import Any

import boto3
import moto
import moto.backend_index
import moto.backends
import pytest
from chime_local import moto_shim
from chime_local.chimesdkvoice import chimesdkvoice_backends
from moto.moto_server import werkzeug_app


def test_moto_version_is_in_the_tested_range() -> None:
    assert moto_shim.moto_version_supported(), (
        f"moto {moto.__version__} is outside the range the shim was tested with {moto_shim.SUPPORTED_MOTO}; "
        "run this suite, fix moto_shim.py if needed, then move the pin in tools/chime_local/requirements.txt"
    )


def test_moto_internals_are_where_the_shim_expects_them() -> None:
    problems = moto_shim.moto_internals_problems()
    assert not problems, "moto internals changed, update tools/chime_local/moto_shim.py: " + "; ".join(problems)


def test_register_is_idempotent_and_wires_all_three_hooks() -> None:
    moto_shim.register()
    moto_shim.register()
    assert moto.backends.get_backend(moto_shim.BACKEND_NAME) is chimesdkvoice_backends
    names = [name for name, _pattern in moto.backend_index.backend_url_patterns]
    assert names.count(moto_shim.BACKEND_NAME) == 1
    assert werkzeug_app.SIGNING_ALIASES["chime"] == "voice-chime"


def test_server_dispatches_chime_signed_requests_to_the_backend() -> None:
    moto_shim.register()
    dispatcher = werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app)
    environ = {
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20200415/eu-west-1/chime/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0",
        "PATH_INFO": "/voice-connectors",
    }
    host = dispatcher.infer_service_region_host(environ, "/voice-connectors")
    assert host == "voice-chime.eu-west-1.amazonaws.com"
    assert dispatcher.get_backend_for_host(host) == moto_shim.BACKEND_NAME


def test_mock_aws_serves_the_backend() -> None:
    moto_shim.register()
    with moto.mock_aws():
        client = boto3.client("chime-sdk-voice", region_name="us-west-2")
        connector = client.create_voice_connector(Name="canary", RequireEncryption=True)["VoiceConnector"]
        assert client.list_voice_connectors()["VoiceConnectors"][0]["VoiceConnectorId"] == connector["VoiceConnectorId"]


def test_the_canary_detects_a_moved_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(werkzeug_app, "SIGNING_ALIASES", None)
    monkeypatch.setattr(moto.backend_index, "backend_url_patterns", {})
    problems = moto_shim.moto_internals_problems()
    assert any("SIGNING_ALIASES" in p for p in problems) and any("backend_url_patterns" in p for p in problems)
    with pytest.raises(moto_shim.MotoInternalsChanged, match="update tools/chime_local/moto_shim.py"):
        moto_shim.register()


def test_importer_change_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    def _import_backend(module_name: str, backends_name: str) -> Any:  # a moved importer
        return None

    monkeypatch.setattr(moto.backends, "_import_backend", _import_backend)
    assert any("_import_backend" in p for p in moto_shim.moto_internals_problems())
