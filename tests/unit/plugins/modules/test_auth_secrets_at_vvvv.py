"""No IdP client secret, Crowd application password or TOTP code in ``ansible-playbook -vvvv`` output, on either path.

A real ``ansible-playbook -vvvv`` runs the authentication modules (create, update_secret=always, check mode,
diff mode, read-back, a failure, 2SV) against an emulator served from this process, once in the worker
process and once as ordinary modules. Every secret must be absent from everything Ansible printed, and the
emulator's own record must show that each one was really sent (so a module that silently dropped it would
fail here too).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ansible_collections.bitbucket.datacenter.tests.unit.conftest import COLLECTIONS_ROOT, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tests" / "emulator"))
from bitbucket_emulator import create_app, totp  # noqa: E402

CLIENT_SECRET = "Vvvv-Oidc-Client-Secret-3b9e1f"
ROTATED_SECRET = "Vvvv-Oidc-Rotated-Secret-77c2d0"
CROWD_PASSWORD = "Vvvv-Crowd-App-Password-a51e9c"
AUTOMATION_PASSWORD = "Vvvv-Automation-Password-0d4f"
FROZEN_AT = 1767225600000

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/bitbucket.datacenter.bitbucket:
      url: "{{ url }}"
      username: vvvv-automation
      password: "{{ automation_password }}"
  tasks:
    - name: Create in check mode
      bitbucket.datacenter.bitbucket_idp: &oidc
        name: vvvv-oidc
        type: oidc
        enabled: true
        issuer_url: https://login.example.com
        client_id: bitbucket
        client_secret: "{{ client_secret }}"
        jit_provisioning: true
      check_mode: true
      diff: true
    - name: Create
      bitbucket.datacenter.bitbucket_idp: *oidc
      diff: true
    - name: Rotate the secret
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-oidc
        client_secret: "{{ rotated_secret }}"
        update_secret: always
      diff: true
    - name: Rotate it in check mode
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-oidc
        client_secret: "{{ rotated_secret }}"
        update_secret: always
      check_mode: true
      diff: true
    - name: A refused change that carries the secret
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-oidc
        discovery_enabled: false
        client_secret: "{{ rotated_secret }}"
        update_secret: always
      ignore_errors: true
    - name: Crowd
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-crowd
        type: crowd
        crowd_url: https://crowd.example.com
        crowd_application_name: bitbucket
        crowd_application_password: "{{ crowd_password }}"
      diff: true
    - name: Read back
      bitbucket.datacenter.bitbucket_idp_info:
    - name: Reset another user's two-step verification
      bitbucket.datacenter.bitbucket_tsv:
        user: vvvv-lost-phone
        totp_code: "{{ totp_code }}"
    - name: Reset it again
      bitbucket.datacenter.bitbucket_tsv:
        user: vvvv-lost-phone
        totp_code: "{{ totp_code }}"
"""


@pytest.fixture
def emulator():
    app = create_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    thread.join()


def set_up(app):
    """An automation system administrator enrolled in TOTP, and a user to reset; the clock frozen."""
    state = app.state
    automation = state.add_user("vvvv-automation", "Automation", "a@example.com", AUTOMATION_PASSWORD)
    automation.global_permission = "SYS_ADMIN"
    lost = state.add_user("vvvv-lost-phone", "Lost Phone", "l@example.com", "x")
    lost.global_permission = "LICENSED_USER"
    state.clock_frozen_at_ms = FROZEN_AT
    secret = totp.new_secret(state.auth.rng)
    from bitbucket_emulator.auth_state import TotpEnrollment

    state.auth.totp[automation.id] = TotpEnrollment(secret=secret, enabled_at=FROZEN_AT)
    state.auth.totp[lost.id] = TotpEnrollment(secret=totp.new_secret(state.auth.rng), enabled_at=FROZEN_AT)
    return totp.code_at(secret, FROZEN_AT)


@pytest.mark.parametrize("in_process", ["true", "false"], ids=["in_process", "module"])
def test_no_secret_in_vvvv_output(emulator, tmp_path, in_process):
    app, url = emulator
    code = set_up(app)
    playbook = Path(tmp_path) / "secrets.yml"
    playbook.write_text(PLAYBOOK)
    extra = {"url": url, "client_secret": CLIENT_SECRET, "rotated_secret": ROTATED_SECRET, "crowd_password": CROWD_PASSWORD,
             "automation_password": AUTOMATION_PASSWORD, "totp_code": code, "bitbucket_datacenter_in_process": in_process == "true"}
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_HOME=str(tmp_path / "home"))
    for name in [name for name in env if name.startswith("BITBUCKET_")]:
        del env[name]
    # A vars file, as secrets come from a vault: -vvvv echoes the command line, -e values included.
    variables = Path(tmp_path) / "secrets.json"
    variables.write_text(json.dumps(extra))
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-vvvv", "-i", "localhost,", str(playbook), "-e", "@%s" % variables],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "failed=0" in output and "ignored=1" in output, output[-2000:]
    assert "http_trace" in output  # -vvvv really shows the request trace
    for secret in (CLIENT_SECRET, ROTATED_SECRET, CROWD_PASSWORD, AUTOMATION_PASSWORD, code):
        assert secret not in output, "a secret is in the -vvvv output"

    # Each secret did reach Bitbucket: in the request bodies, and as the stored hashes.
    sent = json.dumps(app.requests_log)
    for secret in (CLIENT_SECRET, ROTATED_SECRET, CROWD_PASSWORD, code):
        assert secret in sent
    hashes = {idp.fields["name"]: idp.secret_hash for idp in app.state.auth.idps.values()}
    assert hashes == {"vvvv-oidc": hashlib.sha256(ROTATED_SECRET.encode()).hexdigest(),
                      "vvvv-crowd": hashlib.sha256(CROWD_PASSWORD.encode()).hexdigest()}
