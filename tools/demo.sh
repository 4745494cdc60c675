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
# The playbooks run as an automation account with a password of its own, as they would in production:
# run as the seeded admin, whose password is also its name, every "admin" in the results would be
# masked as a secret.
automation_password="Demo-automation-$(date +%s)"
"$bin/python" - "http://127.0.0.1:$port" "$automation_password" <<'PY'
import base64, sys, urllib.parse, urllib.request
url, password = sys.argv[1], sys.argv[2]
admin = "Basic " + base64.b64encode(b"admin:admin").decode()
for method, path, query in (("POST", "/rest/api/latest/admin/users", {"name": "automation", "displayName": "Automation",
                             "emailAddress": "automation@example.com", "password": password, "addToDefaultGroup": "true"}),
                            ("PUT", "/rest/api/latest/admin/permissions/users", {"name": "automation", "permission": "SYS_ADMIN"})):
    request = urllib.request.Request(url + path + "?" + urllib.parse.urlencode(query), data=b"", method=method,
                                     headers={"Authorization": admin, "X-Atlassian-Token": "no-check"})
    urllib.request.urlopen(request, timeout=10).close()
PY
export BITBUCKET_URL="http://127.0.0.1:$port" BITBUCKET_USERNAME=automation BITBUCKET_PASSWORD="$automation_password"
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
