#!/usr/bin/env bash
# ansible-test integration for one Python's tree copy, against the local endpoint.
# Usage: hacking/run_integration.sh PYTHON_VERSION [BUILD]  (from the checkout, after `make tree-BUILD`); BUILD names
# the venv and tree under .build (venv-BUILD, tree-BUILD) and defaults to PYTHON_VERSION ("floor" for the floor).
# Every target under tests/integration/targets runs, each with its own endpoint and the demo data; a target
# whose `aliases` file has the line `chime_local/enforce_iam` gets an endpoint with IAM enforced. When
# plugins/modules/<target>.py exists, its EXAMPLES are written to <target>/tasks/examples.yml. The EXAMPLES and
# integration_config.yml are written in the tree copy only. CHIME_COVERAGE=1 adds --coverage; CHIME_TARGETS
# (space-separated) runs only those targets.
set -euo pipefail
version=$1
build=${2:-$version}
root=$(pwd)
venv=$root/.build/venv-$build
tree=$root/.build/tree-$build
collection=$tree/ansible_collections/telephony/chime
coverage=()
[[ ${CHIME_COVERAGE:-} == 1 ]] && coverage=(--coverage)
targets=()
if [[ -n ${CHIME_TARGETS:-} ]]; then
    read -ra targets <<<"$CHIME_TARGETS"  # e.g. CHIME_TARGETS="chime_proxy_session_info" for one target
else
    for dir in tests/integration/targets/*/; do
        targets+=("$(basename "$dir")")
    done
fi
[[ ${#targets[@]} -gt 0 ]] || { echo "no integration targets under tests/integration/targets" >&2; exit 1; }
for target in "${targets[@]}"; do
    if [[ -f plugins/modules/$target.py ]]; then
        "$venv/bin/python" hacking/extract_examples.py "plugins/modules/$target.py" \
            "$collection/tests/integration/targets/$target/tasks/examples.yml"
    fi
    server_args=""
    if grep -qx 'chime_local/enforce_iam' "tests/integration/targets/$target/aliases" 2>/dev/null; then
        server_args="--enforce-iam"
    fi
    echo "== target $target${server_args:+ ($server_args)}"
    # The inner script's $1... are its own arguments, expanded by the inner bash, not here.
    # shellcheck disable=SC2016
    CHIME_SERVER_ARGS=$server_args hacking/with_endpoint.sh "$venv/bin/python" tools/chime_local/seeds/demo.yml bash -c '
        "$1/bin/python" hacking/integration_config.py "$CHIME_ENDPOINT_URL" "$2/tests/integration/integration_config.yml"
        cd "$2" && PATH="$1/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$3" \
            "$1/bin/ansible-test" integration --python "$4" --color no "${@:6}" "$5"' \
        _ "$venv" "$collection" "$tree" "$version" "$target" ${coverage[@]+"${coverage[@]}"}
done
