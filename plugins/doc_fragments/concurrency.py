# -*- coding: utf-8 -*-

# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The option every module with a pool of workers has; its default and limits are those of
    # module_utils/_chime/concurrency.py (DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMITS).
    DOCUMENTATION = r"""
options:
  max_concurrency:
    description:
      - The most requests in flight at once, from a pool of workers that share one client and its connections.
      - Between 1 and 100. Each worker spends part of the account's request rate for the operation.
    type: int
    default: 10
"""
