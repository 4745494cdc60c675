#!/usr/bin/env bash
# `make molecule`: `molecule test` for every role scenario, against the emulator, with the
# staged collection. Roles are tested with molecule's default (delegated) driver on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_COLLECTIONS_PATH="$1"
shopt -s nullglob
scenarios=(roles/*/molecule/*/molecule.yml)
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "molecule: no role has a scenario yet (roles/*/molecule/*/molecule.yml); nothing to run"
  exit 0
fi
for scenario in "${scenarios[@]}"; do
  role_dir="$(dirname "$(dirname "$(dirname "$scenario")")")"
  name="$(basename "$(dirname "$scenario")")"
  echo "== molecule test: $role_dir ($name)"
  (cd "$role_dir" && "$PWD/../../.venv/bin/molecule" test -s "$name")
done
