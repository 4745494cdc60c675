#!/usr/bin/env bash
# `make integration`: run every integration target against the emulator twice, once in the
# Ansible worker process and once as ordinary modules, then the end-to-end checks (identical
# results on both paths, no secret in -vvv output). Saves the emulator's request log for the
# contract step.
# INTEGRATION_TARGETS="bitbucket_user bitbucket_group" runs only those targets (and skips the end-to-end
# checks, which need every target): for working on a few modules. `make test` runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
staged="$1"
port="$2"
report="${3:-$PWD/build/reports/e2e.xml}"
bin="$PWD/.venv/bin"
state="$PWD/build/integration"
rm -rf "$state"
mkdir -p "$state"

"$bin/python" tools/emulator_ctl.py start --port "$port" --state-dir "$state"
trap '"$bin/python" tools/emulator_ctl.py stop --state-dir "$state"' EXIT

for in_process in true false; do
  echo "== integration targets, in_process=$in_process"
  cat > "$staged/tests/integration/integration_config.yml" <<CONFIG
bitbucket_url: http://127.0.0.1:$port
bitbucket_username: admin
bitbucket_password: admin
bitbucket_datacenter_in_process: $in_process
CONFIG
  # shellcheck disable=SC2086  # the target names are words
  (cd "$staged" && "$bin/ansible-test" integration --local --python 3.11 --color no ${INTEGRATION_TARGETS:-})
done

"$bin/python" tools/emulator_ctl.py save-requests --state-dir "$state" --out "$state/requests.json"

if [ -n "${INTEGRATION_TARGETS:-}" ]; then
  echo "== only $INTEGRATION_TARGETS: the end-to-end checks need every target and are skipped"
  exit 0
fi

echo "== end-to-end: both execution paths, secrets at -vvv"
ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$staged")")")" \
  "$bin/python" -m pytest -q -p no:cacheprovider tests/e2e --junitxml="$report"
