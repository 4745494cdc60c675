#!/usr/bin/env bash
# `make integration`: run every integration target against the emulator twice, once in the Ansible
# worker process and once as ordinary modules, each path in one ansible-playbook run
# (tests/integration/runner/run_targets.yml), recording every task result. Then the end-to-end checks:
# the two paths gave identical results and made identical requests (from those records, without
# running anything again), no secret in -vvv output, and forks converging under faults. Saves the
# emulator's request log for the contract step.
# INTEGRATION_TARGETS="bitbucket_user bitbucket_group" runs only those targets (and compares only them;
# the secret and fault checks are skipped): for working on a few modules. `make test` runs them all.
# The targets keep the ansible-test layout: `ansible-test integration` runs them too, one playbook each.
# ANSIBLE_VENV_BIN runs everything with another virtualenv's ansible-core (the release matrix), and
# INTEGRATION_STATE keeps that run's records apart from the default run's (build/integration).
set -euo pipefail
cd "$(dirname "$0")/.."
staged="$1"
port="$2"
report="${3:-$PWD/build/reports/e2e.xml}"
bin="${ANSIBLE_VENV_BIN:-$PWD/.venv/bin}"
state="${INTEGRATION_STATE:-$PWD/build/integration}"
rm -rf "$state"
mkdir -p "$state"
url="http://127.0.0.1:$port"

"$bin/python" tools/emulator_ctl.py start --port "$port" --state-dir "$state"
trap '"$bin/python" tools/emulator_ctl.py stop --state-dir "$state"' EXIT

if [ -n "${INTEGRATION_TARGETS:-}" ]; then
  read -r -a targets <<< "$INTEGRATION_TARGETS"
else
  targets=()
  for dir in tests/integration/targets/*/; do
    name="$(basename "$dir")"
    # ansible-test's conventions: setup_* targets run only as dependencies; disabled ones never.
    case "$name" in setup_*|prepare_*) continue ;; esac
    grep -qxE 'disabled|unsupported' "$dir/aliases" 2>/dev/null && continue
    targets+=("$name")
  done
fi
targets_json="$("$bin/python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${targets[@]}")"

status=0
for in_process in true false; do
  path_name="$([ "$in_process" = true ] && echo in_process || echo module)"
  echo "== integration targets, in_process=$in_process: ${targets[*]}"
  "$bin/python" tools/emulator_ctl.py reset --port "$port"
  ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$staged")")")" \
  ANSIBLE_ROLES_PATH="$PWD/tests/integration/targets" \
  ANSIBLE_CALLBACK_PLUGINS="$PWD/tests/e2e/callback_plugins" \
  ANSIBLE_CALLBACKS_ENABLED=record_results \
  ANSIBLE_PYTHON_INTERPRETER="$bin/python" \
  ANSIBLE_NOCOLOR=1 \
  RECORD_RESULTS_FILE="$state/results-$path_name.jsonl" \
    "$bin/ansible-playbook" -i localhost, tests/integration/runner/run_targets.yml \
      -e "{\"targets\": $targets_json}" \
      -e "bitbucket_url=$url bitbucket_username=admin bitbucket_password=admin" \
      -e "{\"bitbucket_datacenter_in_process\": $in_process}" || status=1
  "$bin/python" tools/emulator_ctl.py dump-requests --port "$port" --out "$state/requests-$path_name.json"
done

"$bin/python" tools/emulator_ctl.py save-requests --state-dir "$state" --out "$state/requests.json"
[ "$status" -eq 0 ] || { echo "integration targets failed" >&2; exit 1; }

echo "== end-to-end: both execution paths compared; secrets at -vvv; forks under faults"
e2e_filter=()
[ -n "${INTEGRATION_TARGETS:-}" ] && e2e_filter=(-k execution_paths)
INTEGRATION_RESULTS="$state" INTEGRATION_TARGETS_RUN="${targets[*]}" \
ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$staged")")")" \
  "$bin/python" -m pytest -q -p no:cacheprovider tests/e2e "${e2e_filter[@]}" --junitxml="$report"
