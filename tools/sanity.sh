#!/usr/bin/env bash
# `make sanity`: ansible-test sanity on the staged collection, with no ignore entries.
# ansible-test runs from its own virtualenv (.venv-sanity: ansible-core alone) and installs each
# sanity test's requirements into virtualenvs of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
staged="$1"
venv="$PWD/.venv-sanity"
core_pin="$(grep -E '^ansible-core==' requirements-test.txt)"
if [ ! -x "$venv/bin/ansible-test" ] || ! "$venv/bin/pip" freeze 2>/dev/null | grep -qx "$core_pin"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet "$core_pin"
fi
pip_version="$("$venv/bin/python" - <<'PY'
from types import SimpleNamespace
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(SimpleNamespace(version="3.11"))["pip"])
PY
)"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cp tools/ansible_test_pip_bootstrap.py "$cache"
fi
cd "$staged"
"$venv/bin/ansible-test" sanity --local --python 3.11 --requirements --color no
