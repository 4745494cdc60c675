#!/usr/bin/env bash
# `make demo`: install the built collection, start the emulator, run the example playbook twice
# (the second run must report changed=0), stop the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.venv/bin"
build="$PWD/build/demo"
port="${PORT:-7990}"

rm -rf "$build"
mkdir -p "$build"
"$bin/ansible-galaxy" collection build --force --output-path "$build" . >/dev/null
ANSIBLE_COLLECTIONS_PATH="$build/collections" \
  "$bin/ansible-galaxy" collection install --force -p "$build/collections" "$build"/bitbucket-datacenter-*.tar.gz

"$bin/python" tools/emulator_ctl.py start --port "$port" --state-dir "$build"
trap '"$bin/python" tools/emulator_ctl.py stop --state-dir "$build"' EXIT

export ANSIBLE_COLLECTIONS_PATH="$build/collections"
export ANSIBLE_PYTHON_INTERPRETER="$bin/python"
export BITBUCKET_DEMO_DIR="$build"
export BITBUCKET_URL="http://127.0.0.1:$port" BITBUCKET_USERNAME=admin BITBUCKET_PASSWORD=admin
for run in first second; do
  echo "== $run run"
  "$bin/ansible-playbook" -i localhost, examples/site.yml | tee "$build/$run.log"
done
if ! grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' "$build/second.log"; then
  echo "The second run changed something: the playbook is not idempotent." >&2
  exit 1
fi
echo "== audit: the roles in check mode, with a compliance report"
"$bin/ansible-playbook" -i localhost, examples/roles.yml --check | tee "$build/audit.log"
grep -q "Compliance report: $build/reports/project_onboarding.json" "$build/audit.log"
grep -q "Compliance report: $build/reports/instance_hardening.json" "$build/audit.log"
echo "demo passed: the second run reported changed=0"
echo "the audit's compliance reports: $build/reports/{project_onboarding,instance_hardening}.{json,md}"
