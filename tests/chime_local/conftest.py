# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the local Chime SDK Voice endpoint tests.

``endpoint`` is a real server started once per session by the launcher
(tools/chime_local/launcher.py, a subprocess) and reset to the demo seed before each
test; ``mock_chime`` runs the backend in-process under ``moto.mock_aws()`` through the shim.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chime_helpers import NO_RETRY  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import NO_VALIDATION  # noqa: E402  # pylint: disable=wrong-import-position
from chime_helpers import Control  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local import demo  # noqa: E402  # pylint: disable=wrong-import-position
from chime_local.launcher import Endpoint  # noqa: E402  # pylint: disable=wrong-import-position

for _name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)
for _name, _value in demo.credentials_env().items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    endpoint = Endpoint(workdir=tmp_path_factory.mktemp("server"))
    endpoint.start()
    yield endpoint
    assert endpoint.stop() == 0, endpoint.log()


@pytest.fixture
def control(server: Endpoint) -> Control:  # pylint: disable=redefined-outer-name
    """The control API of the session server: demo data, no faults, fresh stats, the wall clock."""
    ctl = Control(server.url)
    ctl.ok("POST", "reset")
    ctl.ok("DELETE", "faults")
    ctl.ok("DELETE", "clock")
    ctl.ok("DELETE", "stats")
    return ctl


@pytest.fixture
def endpoint(control: Control) -> str:  # pylint: disable=redefined-outer-name
    return control.url


@pytest.fixture
def make_client(endpoint: str) -> Callable[..., Any]:  # pylint: disable=redefined-outer-name
    def factory(config: Config = NO_RETRY, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", demo.REGION)
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
        yield boto3.client("chime-sdk-voice", region_name=demo.REGION, config=NO_VALIDATION)
