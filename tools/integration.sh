#!/usr/bin/env bash
# `make integration`: run every integration target against the emulator twice, once in the Ansible
# worker process and once as ordinary modules, each path and shard of the targets in one
# ansible-playbook run (tests/integration/runner/run_targets.yml), recording every task result. Then the end-to-end checks:
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
# The targets are split into shards, each shard run on both paths against an emulator of its own, all
# four runs at once: the module path starts a Python process per task and keeps one core busy, so the
# runs overlap on this machine's two cores. Both paths of a shard see the same targets in the same
# order from a fresh emulator, so their results and requests still compare one for one.
shards="${INTEGRATION_SHARDS:-2}"
[ "${#targets[@]}" -lt "$shards" ] && shards="${#targets[@]}"
collections="$(dirname "$(dirname "$(dirname "$staged")")")"
jobs=()
trap 'for job in "${jobs[@]}"; do "$bin/python" tools/emulator_ctl.py stop --state-dir "$state/$job"; done' EXIT

run_job() {  # path_name in_process shard port targets_json
  local job="$1-$3" dir="$state/$1-$3" result=0
  # ansible-test's output_dir, a scratch directory for the targets, shared by both paths of a shard:
  # what a target generates there (test keys) is the same on both, so their results compare.
  mkdir -p "$state/output-$3"
  "$bin/python" tools/emulator_ctl.py start --port "$4" --state-dir "$dir" > "$dir.log" 2>&1 || return 1
  ANSIBLE_COLLECTIONS_PATH="$collections" \
  ANSIBLE_ROLES_PATH="$PWD/tests/integration/targets" \
  ANSIBLE_CALLBACK_PLUGINS="$PWD/tests/e2e/callback_plugins" \
  ANSIBLE_CALLBACKS_ENABLED=record_results \
  ANSIBLE_PYTHON_INTERPRETER="$bin/python" \
  ANSIBLE_NOCOLOR=1 \
  RECORD_RESULTS_FILE="$state/results-$job.jsonl" \
    "$bin/ansible-playbook" -i localhost, tests/integration/runner/run_targets.yml \
      -e "{\"targets\": $5}" \
      -e "bitbucket_url=http://127.0.0.1:$4 bitbucket_username=admin bitbucket_password=admin" \
      -e "{\"bitbucket_datacenter_in_process\": $2}" \
      -e "output_dir=$state/output-$3" >> "$dir.log" 2>&1 || result=$?
  "$bin/python" tools/emulator_ctl.py dump-requests --port "$4" --out "$state/requests-$job.json"
  "$bin/python" tools/emulator_ctl.py stop --state-dir "$dir"
  return $result
}

pids=()
for shard in $(seq 1 "$shards"); do
  shard_targets=()
  for index in "${!targets[@]}"; do
    [ $((index % shards + 1)) -eq "$shard" ] && shard_targets+=("${targets[$index]}")
  done
  shard_json="$("$bin/python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${shard_targets[@]}")"
  echo "== shard $shard: ${shard_targets[*]}"
  for path in in_process module; do
    in_process="$([ "$path" = in_process ] && echo true || echo false)"
    job="$path-$shard"
    jobs+=("$job")
    mkdir -p "$state/$job"
    # Ports far apart, so that runs of other checkouts on nearby ports are not in the way.
    run_job "$path" "$in_process" "$shard" $((port + 1000 * (${#jobs[@]} - 1))) "$shard_json" &
    pids+=($!)
  done
done

status=0
failed=()
for index in "${!pids[@]}"; do
  if ! wait "${pids[$index]}"; then
    status=1
    failed+=("${jobs[$index]}")
  fi
done
for job in "${jobs[@]}"; do
  echo "== integration run $job"
  cat "$state/$job.log"
done

state_dirs=()
for job in "${jobs[@]}"; do state_dirs+=(--state-dir "$state/$job"); done
"$bin/python" tools/emulator_ctl.py save-requests "${state_dirs[@]}" --out "$state/requests.json"
"$bin/python" tools/integration_timings.py "$state" || true
[ "$status" -eq 0 ] || { echo "integration runs failed: ${failed[*]}" >&2; exit 1; }

echo "== end-to-end: both execution paths compared; secrets at -vvv; forks under faults"
e2e_filter=()
[ -n "${INTEGRATION_TARGETS:-}" ] && e2e_filter=(-k execution_paths)
INTEGRATION_RESULTS="$state" INTEGRATION_TARGETS_RUN="${targets[*]}" \
ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$staged")")")" \
  "$bin/python" -m pytest -q -p no:cacheprovider -n 2 tests/e2e "${e2e_filter[@]}" --junitxml="$report"
