# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user's options do, seen from the service's side (issue 12's gaps).

Each test runs the module's main() with options and looks at what reached the client the module built: the requests
(operation and parameters, validated by botocore against the model), how many were in flight at once, the client's
endpoint and configuration. Values at the model's boundaries come from the model itself.
"""

import http.server
import json
import threading

import botocore.session
import pytest
from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args
from botocore.exceptions import StubAssertionError
from botocore.stub import Stubber

from ansible_collections.telephony.chime.plugins.module_utils._chime import normalize
from ansible_collections.telephony.chime.plugins.module_utils._chime.client import chime_client
from ansible_collections.telephony.chime.plugins.module_utils._chime.model import ChimeModel
from ansible_collections.telephony.chime.plugins.modules import chime_proxy_session_info
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import VOICE_CONNECTOR_ID
from ansible_collections.telephony.chime.tests.unit.plugins.helpers import session
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import CREDENTIALS
from ansible_collections.telephony.chime.tests.unit.plugins.module_run import warned_operations

SERVICE_MODEL = botocore.session.get_session().get_service_model("chime-sdk-voice")
ID_SHAPE = SERVICE_MODEL.operation_model("GetProxySession").input_shape.members["ProxySessionId"]
# How long a request waits for the others that the pool should run beside it; only a pool smaller than expected
# (a broken option) ever waits this long. Generous: on 2 loaded cores, starting 100 workers took longer than 0.5 s.
GATE_TIMEOUT = 3.0
# How long requests held beside a refused one wait after the refusal was answered (see the cancellation test).
RELEASE_AFTER = 1.0


def get(proxy_session_id):
    return {"VoiceConnectorId": VOICE_CONNECTOR_ID, "ProxySessionId": proxy_session_id}


class Service(Stubber):
    """Stubber for a pool of workers: answers each request by its parameters, and counts requests in flight.

    With gate=N, a request is held until N requests are in flight at once (or GATE_TIMEOUT passes), so a pool of N
    workers shows N in flight however the threads are scheduled; a pool of any other size shows another number.
    Requests for the ids in hold are held until release is set.
    """

    def __init__(self, client, gate, hold, release, timeout=GATE_TIMEOUT):
        super().__init__(client)
        self.lock = threading.Condition()
        self.gate = gate
        self.timeout = timeout
        self.hold = hold
        self.release = release
        self.in_flight = 0
        self.peak = 0
        self.sent = []

    def _assert_expected_params(self, model, params, context, **kwargs):
        with self.lock:
            self.sent.append((model.name, dict(params)))
            for index, queued in enumerate(self._queue):
                if queued["operation_name"] == model.name and queued["expected_params"] == params:
                    del self._queue[index]
                    context["service_response"] = queued["response"]
                    context["service_held"] = params.get("ProxySessionId") in self.hold
                    return
        raise StubAssertionError(operation_name=model.name, reason=f"no response queued for {params}")

    def _get_response_handler(self, model, params, context, **kwargs):
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.peak >= self.gate, timeout=self.timeout)
        if context.pop("service_held"):
            self.release.wait(timeout=5)
        elif self.hold:
            # The refused request: the held ones go on once the failure has had ample time to be seen.
            threading.Timer(RELEASE_AFTER, self.release.set).start()
        with self.lock:
            self.in_flight -= 1
        return context.pop("service_response")


class Task:
    """Runs the module's main() with a real client (built by the module) behind Service."""

    def __init__(self, monkeypatch, capsys):
        self.capsys = capsys
        self.queue = []
        self.gate = 1
        self.gate_timeout = GATE_TIMEOUT
        self.hold = set()
        self.release = threading.Event()
        self.clients = []
        self.stub = True  # False: the client sends real HTTP requests (to a local endpoint_url)

        def stubbed_client(module, model, max_concurrency):
            client = chime_client(module, model, max_concurrency)
            if not self.stub:
                self.clients.append((client, None))
                return client
            service = Service(client, self.gate, self.hold, self.release, self.gate_timeout)
            for method, args, kwargs in self.queue:
                getattr(service, method)(*args, **kwargs)
            service.activate()
            self.clients.append((client, service))
            return client

        monkeypatch.setattr(chime_proxy_session_info, "chime_client", stubbed_client)
        # The retry layer's back-off, in case a test's answer is retried: not waited for.
        monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", lambda s: None)

    def found(self, *ids):
        for i in ids:
            self.queue.append(
                ("add_response", ("get_proxy_session", {"ProxySession": session(i)}), {"expected_params": get(i)})
            )

    def refused(self, proxy_session_id, code="BadRequestException", status=400):
        kwargs = {"service_error_code": code, "http_status_code": status, "expected_params": get(proxy_session_id)}
        self.queue.append(("add_client_error", ("get_proxy_session",), kwargs))

    @property
    def client(self):
        assert len(self.clients) == 1, "the module builds exactly one client"
        return self.clients[0][0]

    @property
    def service(self):
        return self.clients[0][1] if self.clients else None

    @property
    def sent(self):
        return self.service.sent if self.service else []

    def __call__(self, credentials=True, **args):
        warnings._global_warnings.clear()
        args = {**(CREDENTIALS if credentials else {}), "voice_connector_id": VOICE_CONNECTOR_ID, **args}
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                chime_proxy_session_info.main()
        return json.loads(self.capsys.readouterr().out)


@pytest.fixture
def task(monkeypatch, capsys):
    return Task(monkeypatch, capsys)


def ids(count):
    return [f"session-{n:03d}" for n in range(count)]


@pytest.mark.parametrize("max_concurrency", [2, 7, 100])
def test_max_concurrency_is_the_number_of_requests_in_flight(task, max_concurrency):
    wanted = ids(max_concurrency + 2)
    task.gate = max_concurrency
    task.found(*wanted)
    result = task(proxy_session_ids=wanted, max_concurrency=max_concurrency)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == wanted
    assert task.service.peak == max_concurrency
    assert sorted(p["ProxySessionId"] for _op, p in task.sent) == wanted


def test_max_concurrency_1_sends_one_request_at_a_time(task):
    wanted = ids(3)
    task.gate = 2  # a second request in flight would open the gate; one at a time, each waits out the timeout
    task.gate_timeout = 0.2
    task.found(*wanted)
    result = task(proxy_session_ids=wanted, max_concurrency=1)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == wanted
    assert task.service.peak == 1
    assert [p["ProxySessionId"] for _op, p in task.sent] == wanted


def test_max_concurrency_defaults_to_ten_requests_in_flight(task):
    wanted = ids(12)
    task.gate = 10
    task.found(*wanted)
    result = task(proxy_session_ids=wanted)
    assert len(result["proxy_sessions"]) == 12
    assert task.service.peak == 10


@pytest.mark.parametrize("max_concurrency", [1, 10, 40, 100])
def test_the_connection_pool_has_a_connection_for_every_worker(task, max_concurrency):
    task(proxy_session_ids=[], max_concurrency=max_concurrency)
    pool = task.client.meta.config.max_pool_connections
    assert pool >= max_concurrency
    if max_concurrency > 10:  # below botocore's own default of 10, the pool keeps that default
        assert pool == max_concurrency


def test_the_connection_pool_follows_the_default_max_concurrency(task):
    task(proxy_session_ids=[])
    assert task.client.meta.config.max_pool_connections == 10


def test_endpoint_url_is_where_the_client_sends(task):
    task.found("a")
    task(proxy_session_id="a", endpoint_url="http://127.0.0.1:4599")
    assert task.client.meta.endpoint_url == "http://127.0.0.1:4599"


def test_without_endpoint_url_the_client_sends_to_aws(task):
    task(proxy_session_ids=[])
    assert task.client.meta.endpoint_url == "https://voice-chime.us-east-1.amazonaws.com"


def test_the_users_aws_config_wins_over_the_modules_defaults(task):
    aws_config = {
        "max_pool_connections": 3,
        "user_agent_extra": "my-playbook/2",
        "retries": {"mode": "adaptive", "total_max_attempts": 4},
        "connect_timeout": 7,
    }
    task(proxy_session_ids=[], max_concurrency=40, aws_config=aws_config)
    config = task.client.meta.config
    assert config.max_pool_connections == 3
    assert config.user_agent_extra == "my-playbook/2"
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 4}
    assert config.connect_timeout == 7


def test_the_modules_defaults_stay_where_the_users_aws_config_is_silent(task):
    task(proxy_session_ids=[], max_concurrency=40, aws_config={"connect_timeout": 7})
    config = task.client.meta.config
    assert config.connect_timeout == 7
    assert config.max_pool_connections == 40
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert "telephony.chime" in config.user_agent_extra


def test_the_longest_id_the_model_allows_is_sent_as_is(task):
    longest = "x" * ID_SHAPE.metadata["max"]
    task.found(longest)
    result = task(proxy_session_id=longest)
    assert task.sent == [("GetProxySession", get(longest))]
    assert result["proxy_session"]["proxy_session_id"] == longest


def test_the_shortest_id_the_model_allows_is_sent_as_is(task):
    shortest = "x" * ID_SHAPE.metadata["min"]
    task.found(shortest)
    task(proxy_session_ids=[shortest])
    assert task.sent == [("GetProxySession", get(shortest))]


def test_one_character_more_than_the_model_allows_is_refused_before_any_request(task):
    result = task(proxy_session_id="x" * (ID_SHAPE.metadata["max"] + 1))
    assert result["failed"] is True
    assert f"must be at most {ID_SHAPE.metadata['max']} characters long" in result["msg"]
    assert task.sent == []


@pytest.mark.parametrize("max_concurrency, accepted", [(0, False), (1, True), (100, True), (101, False)])
def test_max_concurrency_limits(task, max_concurrency, accepted):
    result = task(proxy_session_ids=[], max_concurrency=max_concurrency)
    assert ("failed" not in result) is accepted, result
    if not accepted:
        assert f"max_concurrency must be between 1 and 100, got {max_concurrency}" in result["msg"]


def test_an_empty_id_list_is_an_empty_result_without_any_request(task):
    result = task(proxy_session_ids=[])
    assert "failed" not in result
    assert result["proxy_sessions"] == []
    assert "proxy_session" not in result
    assert result["summary"]["total"] == 0
    assert task.sent == []


def test_empty_members_are_kept_as_the_service_sent_them(task):
    task.queue.append(
        (
            "add_response",
            ("get_proxy_session", {"ProxySession": session("a", Capabilities=[], Name="")}),
            {"expected_params": get("a")},
        )
    )
    result = task(proxy_session_id="a")
    assert result["proxy_session"]["capabilities"] == []
    assert result["proxy_session"]["name"] == ""
    assert result["proxy_sessions"] == [result["proxy_session"]]


def test_the_first_failure_cancels_the_work_still_queued(task):
    wanted = ids(30)
    task.refused(wanted[0])
    task.found(*wanted[1:])
    task.hold.update(wanted[1:])  # the other requests stay in flight until the failure has been seen
    task.gate = 1
    try:
        result = task(proxy_session_ids=wanted, max_concurrency=3)
    finally:
        task.release.set()
    assert result["failed"] is True
    assert wanted[0] in result["msg"]
    assert "proxy_sessions" not in result
    # The failing request and the two beside it in the pool, perhaps one more that a worker took before the
    # failure was seen; never the 27 still queued.
    assert 1 <= len(task.sent) <= 4, [p["ProxySessionId"] for _op, p in task.sent]


@pytest.mark.parametrize(
    "args, operations",
    [
        ({"proxy_session_id": "a"}, ["GetProxySession"]),
        ({"proxy_session_ids": ["a", "b", "c"]}, ["GetProxySession"]),
        ({"proxy_session_ids": []}, ["GetProxySession"]),
        ({}, ["ListProxySessions"]),
        ({"status": "Open"}, ["ListProxySessions"]),
        ({"voice_connector_id": None}, ["ListVoiceConnectors", "ListProxySessions"]),
    ],
)
def test_the_deprecation_notice_of_each_operation_used_once(task, args, operations):
    model = ChimeModel()
    for i in args.get("proxy_session_ids", []) + ([args["proxy_session_id"]] if "proxy_session_id" in args else []):
        task.found(i)
    if not args.get("proxy_session_id") and "proxy_session_ids" not in args:
        listing = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100}
        if "status" in args:
            listing["Status"] = args["status"]
        if "voice_connector_id" in args:
            connectors = {"VoiceConnectors": [{"VoiceConnectorId": VOICE_CONNECTOR_ID, "AwsRegion": "us-east-1"}]}
            task.queue.append(
                ("add_response", ("list_voice_connectors", connectors), {"expected_params": {"MaxResults": 100}})
            )
        task.queue.append(
            ("add_response", ("list_proxy_sessions", {"ProxySessions": []}), {"expected_params": listing})
        )
    result = task(**args)
    assert "failed" not in result, result
    deprecated = [op for op in operations if model.deprecation(op)]
    assert deprecated, "the pinned botocore marks the proxy session operations as deprecated"
    assert warned_operations(result) == deprecated
    for op, w in zip(deprecated, result["warnings"]):
        # ansible-core 2.19+ reports a warning as a structure around its message.
        assert f"{op} (chime-sdk-voice): {model.deprecation(op)}" in str(w)


def test_two_ids_are_fetched_side_by_side(task):
    task.gate = 2
    task.found("a", "b")
    result = task(proxy_session_ids=["a", "b"])
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a", "b"]
    assert task.service.peak == 2


def test_ids_given_as_numbers_are_sent_as_strings(task):
    task.found("12345", "67890")
    result = task(proxy_session_ids=[12345, 67890])
    assert sorted(p["ProxySessionId"] for _op, p in task.sent) == ["12345", "67890"]
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["12345", "67890"]


@pytest.mark.parametrize("status", SERVICE_MODEL.shape_for("ProxySessionStatus").enum)
def test_every_status_of_the_model_is_accepted_and_sent(task, status):
    listing = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100, "Status": status}
    task.queue.append(("add_response", ("list_proxy_sessions", {"ProxySessions": []}), {"expected_params": listing}))
    result = task(status=status)
    assert "failed" not in result, result
    assert task.sent == [("ListProxySessions", listing)]


@pytest.mark.parametrize("capability", SERVICE_MODEL.shape_for("Capability").enum)
def test_every_capability_of_the_model_is_accepted_as_a_filter(task, capability):
    other = "SMS" if capability == "Voice" else "Voice"
    sessions = [session("a", Capabilities=[capability]), session("b", Capabilities=[other])]
    listing = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100}
    task.queue.append(
        ("add_response", ("list_proxy_sessions", {"ProxySessions": sessions}), {"expected_params": listing})
    )
    result = task(capability=capability)
    assert [s["proxy_session_id"] for s in result["proxy_sessions"]] == ["a"]


@pytest.mark.parametrize("option", ["status", "capability"])
def test_a_value_outside_the_choices_is_refused_by_ansible_before_any_request(task, option):
    result = task(**{option: "Bogus"})
    assert result["failed"] is True
    assert f"value of {option} must be one of" in result["msg"]
    assert task.sent == []


@pytest.mark.parametrize(
    "args, operations",
    [
        ({"voice_connector_id": None}, ["ListVoiceConnectors", "ListProxySessions"]),
        ({}, ["ListProxySessions"]),
        ({"proxy_session_ids": []}, ["GetProxySession"]),
    ],
)
def test_a_notice_for_each_operation_the_model_flags(task, monkeypatch, args, operations):
    """Were the model to flag every operation, each operation the task uses would show its notice, once."""
    monkeypatch.setattr(ChimeModel, "deprecation", lambda self, operation: f"{operation} is going away")
    if "proxy_session_ids" not in args:
        if "voice_connector_id" in args:
            connectors = {"VoiceConnectors": [{"VoiceConnectorId": VOICE_CONNECTOR_ID, "AwsRegion": "us-east-1"}]}
            task.queue.append(
                ("add_response", ("list_voice_connectors", connectors), {"expected_params": {"MaxResults": 100}})
            )
        listing = {"VoiceConnectorId": VOICE_CONNECTOR_ID, "MaxResults": 100}
        task.queue.append(
            ("add_response", ("list_proxy_sessions", {"ProxySessions": []}), {"expected_params": listing})
        )
    result = task(**args)
    assert warned_operations(result) == operations


def test_keys_are_snake_case_in_a_fresh_process(task, monkeypatch):
    """A real module run starts with nothing remembered: the conversion itself, not a memo of earlier tests."""
    monkeypatch.setattr(normalize, "_SNAKE_CASE", {})
    task.queue.append(
        (
            "add_response",
            ("get_proxy_session", {"ProxySession": session("a", GeoMatchLevel="Country", Name="n")}),
            {"expected_params": get("a")},
        )
    )
    result = task(proxy_session_id="a")
    assert sorted(result["proxy_session"]) == sorted(
        [
            "voice_connector_id",
            "proxy_session_id",
            "status",
            "expiry_minutes",
            "capabilities",
            "created_timestamp",
            "updated_timestamp",
            "participants",
            "geo_match_level",
            "name",
        ]
    )
    assert result["proxy_session"]["participants"][0] == {
        "phone_number": "+12065550100",
        "proxy_phone_number": "+19135550199",
    }


class Endpoint(http.server.ThreadingHTTPServer):
    """A local HTTP endpoint that answers GetProxySession and records each request's path and headers."""

    def __init__(self):
        self.seen = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                endpoint.seen.append((self.path, dict(self.headers)))
                proxy_session_id = self.path.rsplit("/", 1)[-1]
                body = json.dumps({"ProxySession": session(proxy_session_id)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    """AWS configuration files with one profile, and no credentials or region in the environment."""
    (tmp_path / "credentials").write_text(
        "[chime-test]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profile-secret\n"
    )
    (tmp_path / "config").write_text("[profile chime-test]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_requests_reach_the_endpoint_url(task, endpoint):
    task.stub = False
    result = task(proxy_session_id="a", endpoint_url=endpoint.url)
    assert result["proxy_session"]["proxy_session_id"] == "a"
    assert [path for path, _headers in endpoint.seen] == [f"/voice-connectors/{VOICE_CONNECTOR_ID}/proxy-sessions/a"]


def test_a_profile_signs_with_its_own_credentials(task, endpoint, aws_files):
    task.stub = False
    result = task(credentials=False, profile="chime-test", proxy_session_id="a", endpoint_url=endpoint.url)
    assert "failed" not in result, result
    [(_path, headers)] = endpoint.seen
    assert "Credential=AKIAPROFILEEXAMPLE01/" in headers["Authorization"]
    assert "/eu-central-1/" in headers["Authorization"]


def test_a_profile_that_does_not_exist_fails_without_a_request(task, endpoint, aws_files):
    task.stub = False
    result = task(credentials=False, profile="no-such-profile", proxy_session_id="a", endpoint_url=endpoint.url)
    assert result["failed"] is True
    assert result["msg"].startswith("Couldn't connect to AWS")
    assert "no-such-profile" in result["msg"]
    assert endpoint.seen == []


def test_no_region_anywhere_fails_with_where_to_set_one(task, endpoint, aws_files):
    task.stub = False
    keys = {"access_key": CREDENTIALS["access_key"], "secret_key": CREDENTIALS["secret_key"]}
    result = task(credentials=False, proxy_session_id="a", **keys)
    assert result["failed"] is True
    assert result["msg"].startswith(
        "A region is required and none was found in the region option, the environment variables or the AWS"
        " configuration files"
    )
    assert endpoint.seen == []
