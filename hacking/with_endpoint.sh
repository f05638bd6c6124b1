#!/usr/bin/env bash
# Run a command with the local Chime SDK Voice endpoint up, and always stop the endpoint afterwards.
# Usage: hacking/with_endpoint.sh PYTHON SEED_FILE COMMAND [ARGS...]
# The command finds the endpoint's URL in CHIME_ENDPOINT_URL. Extra server flags: CHIME_SERVER_ARGS.
# The work is done by tools/chime_local/launcher.py, the one launcher of the endpoint.
set -euo pipefail
python=$1 seed=$2
shift 2
# shellcheck disable=SC2086
exec "$python" tools/chime_local/launcher.py --python "$python" --seed "$seed" -- ${CHIME_SERVER_ARGS:-} -- "$@"
