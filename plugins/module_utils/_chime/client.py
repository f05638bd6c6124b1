# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The chime-sdk-voice client, built from amazon.aws's connection options."""

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info

from .concurrency import DEFAULT_MAX_CONCURRENCY
from .errors import AnsibleChimeError
from .model import SERVICE_NAME
from .model import ChimeModel
from .pace import CEILING_LIMITS
from .pace import PATIENCE_LIMITS
from .pace import Pace
from .pace import pace_of
from .validation import range_violations

COLLECTION = "telephony.chime"


def _unparsed(value: Any) -> Any:
    return value


def client_config(max_concurrency: int, user_config: Any = None, retries: Optional[Dict[str, Any]] = None) -> Any:
    """The botocore Config of the collection's clients; a user's aws_config still wins over these defaults.

    Chime's clients leave retries to retries.chime_retry (one attempt here); other services' clients (STS) get the
    SDK's standard retry mode through retries.
    """
    config = botocore.config.Config(
        user_agent_extra=f"APN/1.0 Ansible/{ANSIBLE_VERSION} {COLLECTION}",
        max_pool_connections=max(DEFAULT_MAX_CONCURRENCY, max_concurrency),
        retries=retries or {"mode": "standard", "total_max_attempts": 1},
    )
    return config.merge(user_config) if user_config else config


def keep_timestamps_unparsed(botocore_session: Any) -> None:
    """Clients of this botocore session leave timestamps as the ISO 8601 strings the service sent."""
    botocore_session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_unparsed)


def new_chime_client(
    session: Any,
    region: Optional[str],
    endpoint_url: Optional[str],
    config: Any,
    pace: Optional[Pace] = None,
    **credentials: Any,
) -> Any:
    """A chime-sdk-voice client of a boto3 session, with the errors of a missing region or bad settings explained.

    Every request of the client waits its turn at pace, the pace of its account and region (a pace of its own when
    none is given): the modules make one client per account and region.
    """
    try:
        client = session.client(
            SERVICE_NAME, region_name=region, endpoint_url=endpoint_url, config=config, **credentials
        )
    except botocore.exceptions.NoRegionError as e:
        raise AnsibleChimeError(
            message="A region is required and none was found in the region option, "
            "the environment variables or the AWS configuration files"
        ) from e
    except (ValueError, botocore.exceptions.BotoCoreError) as e:
        raise AnsibleChimeError(message="Couldn't connect to AWS", exception=e) from e
    pace = pace or Pace()
    pace.where = pace.where or f"region {client.meta.region_name}"
    return pace.attach(client)


def pace_violations(params: Dict[str, Any]) -> List[str]:
    """The pace options' limits (doc_fragments/pace.py), in the words of the other rules."""
    return range_violations("max_requests_per_second", params["max_requests_per_second"], *CEILING_LIMITS) + (
        range_violations("throttle_timeout", params["throttle_timeout"], *PATIENCE_LIMITS)
    )


def pace_settings(params: Dict[str, Any]) -> Dict[str, Any]:
    """A Pace's ceiling and patience from the module's options."""
    return {"ceiling": params["max_requests_per_second"], "patience": params["throttle_timeout"]}


def pace_result(*clients: Any, account_id: Optional[str] = None) -> Dict[str, Any]:
    """The result's pace key: for each client's account and region, the requests sent, the answers throttled and
    the rate the pace settled at. Empty before any client was made (a task refused before any request)."""
    figures = []
    for client in clients:
        if client is not None:
            entry = {"region": client.meta.region_name, **pace_of(client).figures()}
            figures.append({"account_id": account_id, **entry} if account_id else entry)
    return {"pace": figures} if figures else {}


def rehearsal(figures: List[Dict[str, Any]], ceiling: Optional[float], planned: Optional[int] = None) -> Dict[str, Any]:
    """What a rehearsal says of the real run: the requests it will send (planned, else the rehearsal's own answered
    ones: the real run sends the same reads; each throttled one sent again comes on top), and with a ceiling the
    seconds it takes at least (the busiest account and region's requests at the ceiling: they go at the same time)."""
    sent = [f["requests"] - f["throttled"] for f in figures]
    requests = planned if planned is not None else sum(sent)
    busiest = planned if planned is not None else max(sent, default=0)
    return {"requests": requests, "seconds_at_least": round(busiest / ceiling, 1) if ceiling else None}


def chime_client(module: Any, model: ChimeModel, max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> Any:
    """A chime-sdk-voice client built from the module's amazon.aws connection options.

    Differs from AnsibleAWSModule.client in two ways, both for speed and honesty: timestamps stay the ISO 8601
    strings the service sent (botocore would parse each one with dateutil, the main cost of a large listing), and
    botocore's own retries are off so that retries.chime_retry is the single, bounded retry layer. The connection
    pool holds one connection per worker. A user's aws_config still wins over these defaults.
    """
    region, endpoint_url, connect_kwargs = get_aws_connection_info(module)
    profile = connect_kwargs.pop("profile_name", None)
    config = client_config(max_concurrency, connect_kwargs.pop("aws_config", None))
    keep_timestamps_unparsed(model.session)
    # A profile that does not exist is found out when the client is made (new_chime_client says so).
    session = boto3.session.Session(botocore_session=model.session, profile_name=profile)
    pace = Pace(**pace_settings(module.params))
    return new_chime_client(session, region, endpoint_url, config, pace=pace, **connect_kwargs)
