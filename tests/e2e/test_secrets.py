"""No secret appears in the output of a -vvv run, on either execution path."""

import json
import os
import urllib.request

import pytest

from conftest import HERE, emulator_call

SECRET_PASSWORD = "E2e-Pa55word-7f3c9a"


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_no_secret_in_vvv_output(playbook_runner, emulator_url, in_process):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    base = emulator_url + "/rest"
    # The admin's password becomes a secret that appears nowhere else ("admin" would).
    opener_headers = {"Authorization": "Basic YWRtaW46YWRtaW4="}  # admin:admin, the seeded account
    token = _admin_call(base + "/access-tokens/latest/users/admin", "PUT", {"name": "e2e", "permissions": ["PROJECT_ADMIN", "REPO_ADMIN"]}, opener_headers)[
        "token"
    ]
    _admin_call(
        base + "/api/latest/admin/users/credentials",
        "PUT",
        {"name": "admin", "password": SECRET_PASSWORD, "passwordConfirm": SECRET_PASSWORD},
        opener_headers,
    )

    completed, results = playbook_runner.run(
        os.path.join(HERE, "playbooks", "secrets.yml"),
        extra_vars={"bitbucket_url": emulator_url, "secret_token": token, "secret_password": SECRET_PASSWORD, "bitbucket_datacenter_in_process": in_process},
        verbosity=3,
        name="secrets",
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    statuses = [entry["status"] for entry in results if entry["action"].startswith("bitbucket.datacenter.")]
    assert statuses == ["ok", "ok", "ok", "failed", "ok"] + ["ok"] * 6
    assert "http_trace" in output, "the -vvv run shows no request trace, so this test would prove nothing about it"
    created_secret, created_id = _created_access_token(emulator_url, "/rest/access-tokens/latest/projects/SECRETTOK")
    for secret in (token, SECRET_PASSWORD, SECRET_PASSWORD + "-wrong", created_secret):
        assert secret not in output
    # The token's own result is hidden; its later, secret-free result is shown, id and all.
    assert "the output has been hidden due to the fact that 'no_log: true' was specified for this result" in output
    assert created_id in output


def _created_access_token(emulator_url, collection_path):
    """The raw secret and id of the one token the playbook created, from the emulator's request log,
    after proving that the playbook registered that very secret and authenticated a later task with it."""
    log = emulator_call(emulator_url + "/_emulator/requests")["requests"]
    creates = [entry for entry in log if entry["method"] == "PUT" and entry["path"] == collection_path and entry["status"] == 200]
    assert len(creates) == 1, "expected one access token created at %s, found %d" % (collection_path, len(creates))
    secret, token_id = creates[0]["response"]["token"], creates[0]["response"]["id"]
    assert len(secret) > 20
    used = [entry for entry in log if entry["seq"] > creates[0]["seq"] and entry["auth"] == "bearer:" + token_id and entry["status"] == 200]
    assert used, "no later request authenticated with the created token: the grep for its secret would prove nothing"
    return secret, token_id


def _admin_call(url, method, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method, headers=dict(headers, **{"Content-Type": "application/json"}))
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None
