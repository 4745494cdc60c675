"""The traffic of the Ansible integration runs against the official OpenAPI document.

After the integration tests the Makefile saves the emulator's request log (``GET /_emulator/requests``,
``{"requests": [{"seq", "method", "path", "query", "content_type", "body", "status", "response", ...}]}``)
and runs this file with ``BITBUCKET_CONTRACT_LOG=<that file> pytest tests/contract -m recorded``.

The ``recorded`` test never passes by default: without ``BITBUCKET_CONTRACT_LOG`` it is deselected (see
conftest.py), and once selected it fails when the variable is unset, the file is missing or unreadable, or
it holds no REST request. Every recorded request and response is checked, and the failure lists every
violation with the log's sequence number.

Faults the reliability tests injected on purpose (a 500 whose answer says "Injected fault", or an entry the
emulator marks with ``fault``) are not the operation's answer: only their request is checked. 429 and
502/503/504 are accepted by the contract itself (``transport-statuses`` in openapi_contract).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from openapi_contract import assert_no_violations, is_control_path

LOG_ENV = "BITBUCKET_CONTRACT_LOG"
INJECTED_MARK = "Injected fault"


class RecordedLogError(AssertionError):
    """The recorded log is absent or unusable: the contract step fails."""


def read_recorded_log(value):
    """``(path, records)`` of the log named by ``value`` (the env var's value); control requests dropped."""
    value = (value or "").strip()
    if not value:
        raise RecordedLogError(
            "%s is not set: it must name the JSON file saved from GET /_emulator/requests after the integration "
            "runs (the Makefile's contract step sets it)." % LOG_ENV
        )
    path = Path(value).expanduser()
    if not path.is_file():
        raise RecordedLogError("%s=%s: no such file; the integration runs did not save their request log." % (LOG_ENV, path))
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordedLogError("%s=%s is not a readable JSON file: %s" % (LOG_ENV, path, exc)) from exc
    records = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise RecordedLogError("%s=%s does not hold the /_emulator/requests payload {\"requests\": [...]}." % (LOG_ENV, path))
    rest = [record for record in records if isinstance(record, dict) and not is_control_path(record.get("path"))]
    if not rest:
        raise RecordedLogError("%s=%s holds zero REST requests: nothing was recorded, so nothing was checked." % (LOG_ENV, path))
    return path, rest


def injected_fault(record):
    """True for an answer the emulator's fault injection produced instead of the operation's own."""
    if record.get("fault"):
        return True
    response = record.get("response")
    errors = response.get("errors") if isinstance(response, dict) else None
    return bool(errors) and isinstance(errors[0], dict) and str(errors[0].get("message", "")).startswith(INJECTED_MARK)


def recorded_violations(contract, records):
    """Every violation of every record, each prefixed with the record's sequence number."""
    found = []
    for record in records:
        if injected_fault(record):
            violations = contract.check_request(record.get("method", "GET"), record.get("path", ""), record.get("query"),
                                                record.get("body"), record.get("content_type"))
        else:
            violations = contract.check_record(record)
        found.extend("#%s %s" % (record.get("seq", "?"), violation) for violation in violations)
    return found


@pytest.mark.recorded
def test_recorded_requests_satisfy_the_contract(contract):
    problem = None
    try:
        path, records = read_recorded_log(os.environ.get(LOG_ENV))
    except RecordedLogError as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    violations = recorded_violations(contract, records)
    assert_no_violations(violations, "contract violations in %d recorded requests (%s)" % (len(records), path))


# -- the reader and the checks themselves (always run) ---------------------------------------------

def _write(tmp_path, payload):
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def _record(seq, method, path, status, response=None, query=None, body=None):
    return {"seq": seq, "method": method, "path": path, "query": query or {}, "content_type": "application/json" if body else None,
            "body": body, "status": status, "response": response, "auth": "admin", "duration_ms": 0.4}


def test_unset_variable_fails():
    with pytest.raises(RecordedLogError, match=LOG_ENV):
        read_recorded_log(None)


def test_missing_file_fails(tmp_path):
    with pytest.raises(RecordedLogError, match="no such file"):
        read_recorded_log(str(tmp_path / "absent.json"))


def test_zero_requests_fail(tmp_path):
    control_only = {"requests": [_record(1, "POST", "/_emulator/reset", 200)]}
    with pytest.raises(RecordedLogError, match="zero REST requests"):
        read_recorded_log(_write(tmp_path, control_only))
    with pytest.raises(RecordedLogError, match="payload"):
        read_recorded_log(_write(tmp_path, [1, 2]))


def test_every_violation_is_listed(tmp_path, contract):
    records = [
        _record(1, "GET", "/rest/api/latest/application-properties", 200, {"version": "9.4.0"}),
        _record(2, "PUT", "/rest/api/latest/projects/PRJ/permissions/users", 400,
                {"errors": [{"context": "permission", "message": "required", "exceptionName": None}]}, query={"name": ["alice"]}),
        _record(3, "GET", "/rest/api/latest/projects/PRJ", 200, {"key": 1}),
        _record(4, "PUT", "/rest/api/latest/projects/PRJ", 500,
                {"errors": [{"context": None, "message": "Injected fault: the change was applied but the response failed.",
                             "exceptionName": "com.atlassian.bitbucket.ServiceException"}]}, body={"name": "x"}),
        _record(5, "GET", "/rest/api/latest/projects/PRJ", 500, {"errors": [{"context": None, "message": "boom", "exceptionName": None}]}),
    ]
    _path, rest = read_recorded_log(_write(tmp_path, {"requests": records}))
    violations = recorded_violations(contract, rest)
    assert [violation.split(" ", 1)[0] for violation in violations] == ["#2", "#3", "#5"]
    with pytest.raises(AssertionError) as caught:
        assert_no_violations(violations, "recorded")
    text = str(caught.value)
    assert "required query parameter 'permission' is missing" in text
    assert "$.key" in text
    assert "status 500 is not documented" in text
