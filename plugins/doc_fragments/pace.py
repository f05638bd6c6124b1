# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The options of the pace every module's requests wait at; defaults and limits are those of
    # module_utils/_chime/pace.py (DEFAULT_PATIENCE, CEILING_LIMITS, PATIENCE_LIMITS).
    DOCUMENTATION = r"""
options:
  max_requests_per_second:
    description:
      - The most requests a second the task sends to one account and region, whatever AWS would allow.
      - AWS's rate limits are per account and region and shared with everything else that calls the API there,
        the live system included. Without this option the task learns the rate from AWS's answers, cutting it at
        once when AWS answers C(ThrottledClientException) and growing it back gradually (see
        R(Failures and retries,ansible_collections.telephony.chime.docsite.failures)); with it, it never goes
        beyond it. Set it to leave the rest of a known quota to the live system.
      - Between 0.5 and 10000.
    type: float
  throttle_timeout:
    description:
      - A throttled request is not a failed one; it is sent again when its turn comes. Only when nothing at all has
        got through in an account and region for this many seconds do the requests still waiting there fail,
        naming the account or region, the operation and how long.
      - Between 1 and 86400.
    type: float
    default: 300
"""
