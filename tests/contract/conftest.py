"""Fixtures of the OpenAPI contract tests.

* ``contract``: the official 9.4 document, compiled (``openapi_contract.load_contract``). Without the document
  every test that needs it fails with a message naming the path and ``BITBUCKET_OPENAPI_SPEC``; nothing skips.
* the ``recorded`` marker: tests that validate a request log saved by the integration runs
  (``BITBUCKET_CONTRACT_LOG``). They are deselected (reported as such, never passed) unless the log variable
  is set or the marker is named in ``-m``; the Makefile's contract step selects them with ``-m recorded``.
* the emulator package (tests/emulator) is put on ``sys.path`` for ``from bitbucket_emulator import create_app``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for _path in (HERE, HERE.parent / "emulator"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import openapi_contract  # noqa: E402  (needs the sys.path entry above)

LOG_ENV = "BITBUCKET_CONTRACT_LOG"
RECORDED_MARKER = "recorded"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "%s: validates a request log recorded during the integration runs (needs %s)" % (RECORDED_MARKER, LOG_ENV),
    )


def pytest_collection_modifyitems(config, items):
    """Deselect ``recorded`` tests when no log is configured and ``-m`` does not name them."""
    if os.environ.get(LOG_ENV) or RECORDED_MARKER in (config.getoption("markexpr", default="") or ""):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(RECORDED_MARKER) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def contract():
    """The compiled OpenAPI contract; fails (never skips) when the document is missing."""
    problem = None
    try:
        return openapi_contract.load_contract()
    except openapi_contract.SpecNotFoundError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)
