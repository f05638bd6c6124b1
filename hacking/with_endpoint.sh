#!/usr/bin/env bash
# Run a command with the local Chime SDK Voice endpoint up, and always stop the endpoint afterwards.
# Usage: hacking/with_endpoint.sh PYTHON SEED_FILE COMMAND [ARGS...]
# The command finds the endpoint's URL in CHIME_ENDPOINT_URL. Extra server flags: CHIME_SERVER_ARGS.
set -euo pipefail
python=$1 seed=$2
shift 2
work=$(mktemp -d)
# shellcheck disable=SC2086
"$python" tools/chime_local/server.py --host 127.0.0.1 --port 0 --seed "$seed" --url-file "$work/url" \
    ${CHIME_SERVER_ARGS:-} >"$work/server.log" 2>&1 &
server=$!
stop() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 200); do
    [[ -s $work/url ]] && break
    if ! kill -0 "$server" 2>/dev/null; then
        echo "the local endpoint did not start:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    sleep 0.05
done
[[ -s $work/url ]] || { echo "the local endpoint gave no URL within 10 s" >&2; exit 1; }
CHIME_ENDPOINT_URL=$(cat "$work/url")
export CHIME_ENDPOINT_URL
echo "Local Chime SDK Voice endpoint: $CHIME_ENDPOINT_URL"
"$@"
