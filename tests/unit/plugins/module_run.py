# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process: options in, JSON out, the module's own client behind botocore's Stubber.

Every request must have been queued (operation and exact parameters), so a test that queues no write proves that
no write request is sent; every queued response must be used.
"""

import json
import re

import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDENTIALS = {"region": "us-east-1", "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": SECRET}


class ModuleRun:
    def __init__(self, module, monkeypatch, capsys, sleep=False):
        self.module = module
        self.capsys = capsys
        self.clients = []
        self.queue = []
        real = chime_client

        def stubbed_client(module, model, max_concurrency=10):
            client = real(module, model, max_concurrency)
            stub = Stubber(client)
            for method, args in self.queue:
                getattr(stub, method)(*args[:-1], **args[-1])
            stub.activate()
            self.clients.append((client, stub))
            return client

        monkeypatch.setattr(module, "chime_client", stubbed_client)
        if not sleep:
            # Retry back-off without waiting. This is the time module's own sleep: a test that needs real
            # sleeps (the pool's overlap) asks for them.
            monkeypatch.setattr(
                "ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda seconds: None
            )

    def response(self, operation, body, params):
        self.queue.append(("add_response", (operation, body, {"expected_params": params})))

    def error(self, operation, code, status, params, message=""):
        kwargs = {
            "service_error_code": code,
            "service_message": message,
            "http_status_code": status,
            "expected_params": params,
        }
        self.queue.append(("add_client_error", (operation, kwargs)))

    def __call__(self, **args):
        # Warnings live in a process-wide registry that a real module run starts empty.
        warnings._global_warnings.clear()
        with patch_module_args({**CREDENTIALS, **args}):
            with pytest.raises(SystemExit):
                self.module.main()
        out = self.capsys.readouterr().out
        for _client, stub in self.clients:
            stub.assert_no_pending_responses()
        return json.loads(out)


def warned_operations(result):
    """The operations whose deprecation notice the task showed, in order (one entry per warning)."""
    found = [re.search(r"(\w+) \(chime-sdk-voice\): ", str(w)) for w in result.get("warnings", [])]
    return [m.group(1) for m in found if m]
