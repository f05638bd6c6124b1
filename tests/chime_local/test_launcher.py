# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The launcher: the command runs with CHIME_ENDPOINT_URL, its exit code comes back, the endpoint stops."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from chime_local import demo
from chime_local import launcher

LAUNCHER = Path(launcher.__file__)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LAUNCHER), *args], capture_output=True, text=True, timeout=120, check=False
    )


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_chime_local/health", timeout=5):
            return True
    except (urllib.error.URLError, OSError):
        return False


def test_the_command_gets_the_url_and_its_exit_code_is_returned() -> None:
    show = "import os, sys, urllib.request; u = os.environ['CHIME_ENDPOINT_URL']; "
    show += "urllib.request.urlopen(u + '/_chime_local/health').read(); print(u); sys.exit(3)"
    result = _run("--", "--latency-ms", "1", "--", sys.executable, "-c", show)
    assert result.returncode == 3, result.stderr
    url = result.stdout.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:")
    assert f"Local Chime SDK Voice endpoint: {url}" in result.stdout
    assert not _reachable(url), "the endpoint is stopped when the command ends"


def test_a_server_that_cannot_start_fails_the_launch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("connectors: []\n", encoding="utf-8")
    result = _run("--seed", str(bad), "--", "--", sys.executable, "-c", "print('never runs')")
    assert result.returncode == 1 and "never runs" not in result.stdout
    assert "did not start" in result.stderr and "unknown seed keys" in result.stderr


def test_usage_errors() -> None:
    with pytest.raises(SystemExit, match="usage"):
        launcher.parse_args(["echo"])
    with pytest.raises(SystemExit, match="no command"):
        launcher.parse_args(["--", "--enforce-iam", "--"])
    options, server_args, command = launcher.parse_args(["--seed", "a.yml", "--", "--enforce-iam", "--", "true"])
    assert (options.seed, server_args, command) == (["a.yml"], ["--enforce-iam"], ["true"])
    assert launcher.parse_args(["--", "true"])[1:] == ([], ["true"])


def test_the_demo_ids_are_those_of_the_demo_seed() -> None:
    """demo.py is the one place tests, the benchmark and the integration targets read the ids from."""
    seed = yaml.safe_load(launcher.DEMO_SEED.read_text(encoding="utf-8"))
    connectors = {c["VoiceConnectorId"]: c for c in seed["voice_connectors"]}
    sessions = [s["ProxySessionId"] for s in connectors[demo.DEMO_CONNECTOR]["ProxySessions"]]
    assert demo.EXAMPLE_SESSION in sessions
    assert not connectors[demo.EMPTY_CONNECTOR].get("ProxySessions")
    assert set(demo.integration_vars().values()) >= {demo.DEMO_CONNECTOR, demo.ACCESS_KEY, demo.SECRET_KEY}
    organisation = seed["organization"]
    assert organisation["management_account"] == demo.MANAGEMENT_ACCOUNT == demo.OWN_ACCOUNT
    assert set(organisation["accounts"]) == set(demo.ORGANIZATION_ACCOUNTS)
    assert organisation["accounts"][demo.SUSPENDED_ACCOUNT]["state"] == "SUSPENDED"
    assert {connectors[c]["account"] for c in (demo.PROD_CONNECTOR, demo.SUSPENDED_CONNECTOR)} == {
        demo.PROD_ACCOUNT,
        demo.SUSPENDED_ACCOUNT,
    }
    assert connectors["partnerproxyconnector1"]["account"] == demo.SECOND_ACCOUNT
    roles = [r if isinstance(r, str) else r["name"] for r in organisation["member_roles"]]
    assert roles == [demo.MEMBER_ROLE, demo.SECOND_ACCOUNT_ROLE.rsplit("/", 1)[1]]
    assert set(demo.integration_vars().values()) >= {demo.PROD_ACCOUNT, demo.SUSPENDED_ACCOUNT, demo.MEMBER_ROLE}
