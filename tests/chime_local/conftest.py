# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the local Chime SDK Voice endpoint tests.

``endpoint`` is a real server (``python tools/chime_local/server.py``) started once per
session in a subprocess, reset to the demo seed before each test; ``mock_chime`` runs
the backend in-process under ``moto.mock_aws()`` through the shim.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from typing import Callable
from typing import Iterator

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chime_helpers import DEMO_SEED  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import NO_RETRY  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import NO_VALIDATION  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import Control  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import ServerProcess  # noqa: E402  # pylint: disable=wrong-import-position

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("server"), "--seed", str(DEMO_SEED))
    yield proc
    assert proc.stop() == 0


@pytest.fixture
def control(server: ServerProcess) -> Control:  # pylint: disable=redefined-outer-name
    """The control API of the session server, reset to the demo data, no faults, fresh stats."""
    ctl = Control(server.url)
    ctl.call("POST", "reset")
    ctl.call("DELETE", "faults")
    ctl.call("DELETE", "stats")
    return ctl


@pytest.fixture
def endpoint(control: Control) -> str:  # pylint: disable=redefined-outer-name
    return control.url


@pytest.fixture
def make_client(endpoint: str) -> Callable[..., Any]:  # pylint: disable=redefined-outer-name
    def factory(config: Config = NO_RETRY, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", "us-east-1")
        return boto3.client("chime-sdk-voice", endpoint_url=endpoint, config=config, **kwargs)

    return factory


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Any:  # pylint: disable=redefined-outer-name
    return make_client()


@pytest.fixture
def raw_client(make_client: Callable[..., Any]) -> Any:  # pylint: disable=redefined-outer-name
    """A client that does not validate parameters: the server must."""
    return make_client(NO_VALIDATION)


@pytest.fixture
def mock_chime() -> Iterator[Any]:
    """moto.mock_aws() in-process with the backend registered through the shim."""
    from chime_local import moto_shim  # pylint: disable=import-outside-toplevel
    from moto import mock_aws  # pylint: disable=import-outside-toplevel

    moto_shim.register()
    with mock_aws():
        yield boto3.client("chime-sdk-voice", region_name="us-east-1", config=NO_VALIDATION)
