# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the local endpoint as a subprocess on a free port, wait for its URL, stop it.

The one way the Makefile, the endpoint tests and the benchmark start the endpoint.

As a library::

    with Endpoint(seeds=[DEMO_SEED], extra_args=["--enforce-iam"]) as endpoint:
        endpoint.url, endpoint.control("GET", "stats")

As a command, it runs COMMAND with the endpoint's URL in ``CHIME_ENDPOINT_URL`` and
stops the endpoint afterwards, whatever COMMAND's outcome (its exit code is returned)::

    python tools/chime_local/launcher.py [--python PY] [--seed FILE ...] [-- server flags] -- COMMAND [ARGS...]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any
from typing import Sequence

SERVER = Path(__file__).resolve().parent / "server.py"
DEMO_SEED = Path(__file__).resolve().parent / "seeds" / "demo.yml"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


class EndpointError(RuntimeError):
    """The endpoint did not start (the message holds its log)."""


class Endpoint:
    """``server.py`` in a subprocess, on a free port of 127.0.0.1."""

    def __init__(
        self,
        seeds: Sequence[str | Path] = (DEMO_SEED,),
        extra_args: Sequence[str] = (),
        python: str = sys.executable,
        workdir: str | Path | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="chime-local-"))
        self.url_file = self.workdir / "endpoint.url"
        self.log_file = self.workdir / "endpoint.log"
        seed_args = [arg for seed in seeds for arg in ("--seed", str(seed))] if seeds else ["--no-seed"]
        self.command = [
            python,
            str(SERVER),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--url-file",
            str(self.url_file),
            *seed_args,
            *extra_args,
        ]
        self.cwd = Path(cwd) if cwd else self.workdir
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.banner = ""

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        with self.log_file.open("wb") as log:
            # The child keeps its own copy of the log's descriptor; ours is closed right here.
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.cwd
            )
        deadline = time.monotonic() + timeout
        while not self.url_file.exists():
            if self.proc.poll() is not None:
                raise EndpointError(f"the local endpoint did not start:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise EndpointError(f"the local endpoint gave no URL within {timeout:.0f} s:\n{self.log()}")
            time.sleep(0.02)
        self.url = self.url_file.read_text(encoding="utf-8").strip()
        while not self.banner and self.proc.poll() is None and time.monotonic() < deadline:
            self.banner = next((line for line in self.log().splitlines() if line.startswith("Chime SDK")), "")
            if not self.banner:
                time.sleep(0.01)
        return self.url

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace") if self.log_file.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT_S) -> int:
        """Stop the endpoint; its exit code (0 after a clean stop)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if self._own_workdir and code == 0:
            for path in (self.url_file, self.log_file):
                path.unlink(missing_ok=True)
            try:
                self.workdir.rmdir()
            except OSError:
                pass
        return code

    def control(self, method: str, resource: str, payload: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        """Call the control API; (status, parsed JSON)."""
        data = raw if raw is not None else (None if payload is None else json.dumps(payload).encode())
        request = urllib.request.Request(f"{self.url}/_chime_local/{resource}", data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # nosec - 127.0.0.1 only
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as err:
            with err:
                return err.code, json.loads(err.read())

    def __enter__(self) -> Endpoint:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str], list[str]]:
    """Launcher options, server flags (between the first and second ``--``) and the command."""
    if "--" not in argv:
        raise SystemExit("usage: launcher.py [--python PY] [--seed FILE ...] [-- SERVER FLAGS] -- COMMAND [ARGS...]")
    first = argv.index("--")
    rest = argv[first + 1 :]
    server_args: list[str] = []
    if "--" in rest:
        second = rest.index("--")
        server_args, rest = rest[:second], rest[second + 1 :]
    parser = argparse.ArgumentParser(description="Run a command with the local Chime SDK Voice endpoint up.")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs server.py")
    parser.add_argument("--seed", action="append", default=None, help="seed file (default: the demo seed)")
    options = parser.parse_args(argv[:first])
    if not rest:
        raise SystemExit("launcher.py: no command to run after --")
    return options, server_args, rest


def main(argv: list[str] | None = None) -> int:
    options, server_args, command = parse_args(list(sys.argv[1:] if argv is None else argv))
    # SIGTERM unwinds like Ctrl-C, so that the endpoint is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    seeds = options.seed or [DEMO_SEED]
    endpoint = Endpoint(seeds=seeds, extra_args=server_args, python=options.python, cwd=os.getcwd())
    try:
        url = endpoint.start()
    except EndpointError as err:
        print(err, file=sys.stderr)
        return 1
    try:
        print(f"Local Chime SDK Voice endpoint: {url}", flush=True)
        return subprocess.call(command, env={**os.environ, "CHIME_ENDPOINT_URL": url})
    finally:
        if endpoint.stop() != 0:
            print(f"the local endpoint did not stop cleanly:\n{endpoint.log()}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
