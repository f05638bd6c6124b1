# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared code of the telephony.chime modules, one file per concern (private: not an API for other collections).

- model: the chime-sdk-voice service model that the installed botocore ships (rules, deprecation notices)
- validation: module options checked against the model's constraints, before any request
- client: the boto3 client built from amazon.aws's connection options, with the pace of its account and region
- pace: one pace per account and region, which every request waits at and AWS's throttled answers set
- retries: the single retry layer every request goes through
- errors: the error handler and the messages that name the cause and the resource
- paging: NextToken loops that refuse a token they have already seen
- concurrency: the bounded pool shared by the modules, and its option's limits
- normalize: AWS's CamelCase members as snake_case keys
- masking, session_filters: the info modules' phone number masking and client-side session filters
- writes: what the write modules share (refused writes named, changes compared, diffs)
- one file per resource: proxy_sessions, voice_connector_proxy, voice_connectors, phone_numbers
"""
