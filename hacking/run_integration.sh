#!/usr/bin/env bash
# ansible-test integration for one Python's tree copy, against the local endpoint.
# Usage: hacking/run_integration.sh PYTHON_VERSION  (run from the checkout, after `make tree-VERSION`)
# Each target gets its own endpoint: chime_proxy_session_info the demo data, chime_proxy_session_info_iam the
# demo data with IAM enforced. The module's EXAMPLES and integration_config.yml are written in the copy only.
set -euo pipefail
version=$1
root=$(pwd)
venv=$root/.build/venv-$version
tree=$root/.build/tree-$version
collection=$tree/ansible_collections/telephony/chime
"$venv/bin/python" hacking/extract_examples.py plugins/modules/chime_proxy_session_info.py \
    "$collection/tests/integration/targets/chime_proxy_session_info/tasks/examples.yml"
run_target() {
    local target=$1
    shift
    CHIME_SERVER_ARGS="$*" hacking/with_endpoint.sh "$venv/bin/python" tools/chime_local/seeds/demo.yml bash -c '
        "$1/bin/python" hacking/integration_config.py "$CHIME_ENDPOINT_URL" "$2/tests/integration/integration_config.yml"
        cd "$2" && PATH="$1/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$3" \
            "$1/bin/ansible-test" integration --python "$4" --color no "$5"' \
        _ "$venv" "$collection" "$tree" "$version" "$target"
}
run_target chime_proxy_session_info
run_target chime_proxy_session_info_iam --enforce-iam
