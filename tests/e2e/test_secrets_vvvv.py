"""No secret in ``ansible-playbook -vvvv`` output, on either path, for every module that takes one.

Every module with a ``no_log`` option runs (create, rotation, check mode, diff mode, a failure, read-back):
bitbucket_idp (client secret, Crowd application password), bitbucket_license, bitbucket_mail_server (SMTP
password), bitbucket_tsv (TOTP code), bitbucket_user (password), bitbucket_webhook (secret), and
bitbucket_access_token, whose one-time secret is registered and used by a later task, with the connection's
password and an HTTP access token as credentials. Each secret is distinctive, must be absent from stdout,
stderr and every recorded task result (diffs included; the token's secret is allowed only in the ``secret``
of the task that created it, which is what ``register`` is for), and the emulator's own record must show that
it really reached Bitbucket, so a module that silently dropped one would fail here too.
"""

import json
import os
import sys
import threading

import pytest
from werkzeug.serving import make_server

from conftest import PlaybookRunner, REPO_ROOT, emulator_call

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))
from bitbucket_emulator import create_app, totp  # noqa: E402
from bitbucket_emulator.auth_state import TotpEnrollment  # noqa: E402

SECRETS = {
    "client_secret": "Vvvv-Oidc-Client-Secret-3b9e1f",
    "rotated_secret": "Vvvv-Oidc-Rotated-Secret-77c2d0",
    "crowd_password": "Vvvv-Crowd-App-Password-a51e9c",
    "automation_password": "Vvvv-Automation-Password-0d4f",
    "smtp_password": "Vvvv-Smtp-Password-c0ffee",
    "rotated_smtp_password": "Vvvv-Smtp-Rotated-Password-f00d",
    "user_password": "Vvvv-New-User-Password-9a8b7c",
    "webhook_secret": "Vvvv-Webhook-Secret-5e6f7a",
    "rotated_webhook_secret": "Vvvv-Webhook-Rotated-Secret-1b2c",
}
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
    - name: IdP, create in check mode
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
    - name: IdP, create
      bitbucket.datacenter.bitbucket_idp: *oidc
      diff: true
    - name: IdP, rotate the secret
      bitbucket.datacenter.bitbucket_idp: &rotate
        name: vvvv-oidc
        client_secret: "{{ rotated_secret }}"
        update_secret: always
      diff: true
    - name: IdP, rotate it in check mode
      bitbucket.datacenter.bitbucket_idp: *rotate
      check_mode: true
      diff: true
    - name: IdP, a refused change that carries the secret
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-oidc
        discovery_enabled: false
        client_secret: "{{ rotated_secret }}"
        update_secret: always
      ignore_errors: true
    - name: IdP, Crowd
      bitbucket.datacenter.bitbucket_idp:
        name: vvvv-crowd
        type: crowd
        crowd_url: https://crowd.example.com
        crowd_application_name: bitbucket
        crowd_application_password: "{{ crowd_password }}"
      diff: true
    - name: IdP, read back
      bitbucket.datacenter.bitbucket_idp_info:
    - name: Two-step verification, reset another user's
      bitbucket.datacenter.bitbucket_tsv:
        user: vvvv-lost-phone
        totp_code: "{{ totp_code }}"
    - name: Two-step verification, reset it again
      bitbucket.datacenter.bitbucket_tsv:
        user: vvvv-lost-phone
        totp_code: "{{ totp_code }}"
    - name: Licence, install in check mode
      bitbucket.datacenter.bitbucket_license: &licence
        license: "{{ licence }}"
      check_mode: true
      diff: true
    - name: Licence, install
      bitbucket.datacenter.bitbucket_license: *licence
      diff: true
    - name: Licence, the same again
      bitbucket.datacenter.bitbucket_license: *licence
      diff: true
    - name: Licence, read back
      bitbucket.datacenter.bitbucket_license_info:
    - name: Mail server, create
      bitbucket.datacenter.bitbucket_mail_server:
        hostname: smtp.example.com
        port: 587
        smtp_username: bitbucket
        smtp_password: "{{ smtp_password }}"
        sender_address: bitbucket@example.com
      diff: true
    - name: Mail server, rotate the password in check mode, then for real
      bitbucket.datacenter.bitbucket_mail_server:
        hostname: smtp.example.com
        smtp_password: "{{ rotated_smtp_password }}"
        update_smtp_password: always
      check_mode: "{{ item }}"
      diff: true
      loop: [true, false]
    - name: User, create with a password
      bitbucket.datacenter.bitbucket_user:
        name: vvvv-new-user
        display_name: New User
        email: new.user@example.com
        user_password: "{{ user_password }}"
      diff: true
    - name: User, set the password again
      bitbucket.datacenter.bitbucket_user:
        name: vvvv-new-user
        user_password: "{{ user_password }}"
        update_password: always
      diff: true
    - name: Project for the webhook and the token
      bitbucket.datacenter.bitbucket_project:
        key: VVVV
        name: Secrets at -vvvv
    - name: Webhook, create with a secret
      bitbucket.datacenter.bitbucket_webhook: &webhook
        project: VVVV
        name: ci
        webhook_url: https://ci.example.com/hook
        events: [repo:refs_changed]
        secret: "{{ webhook_secret }}"
      diff: true
    - name: Webhook, the same again
      bitbucket.datacenter.bitbucket_webhook: *webhook
      diff: true
    - name: Webhook, rotate the secret
      bitbucket.datacenter.bitbucket_webhook:
        project: VVVV
        name: ci
        secret: "{{ rotated_webhook_secret }}"
        update_secret: always
      diff: true
    - name: Webhook, read back
      bitbucket.datacenter.bitbucket_webhook_info:
        project: VVVV
    - name: Access token, create; its secret is in this result only
      bitbucket.datacenter.bitbucket_access_token: &token
        project: VVVV
        name: vvvv-ci
        permissions: [PROJECT_ADMIN, REPO_ADMIN]
      diff: true
      register: created_token
    - name: Access token, the same again (no secret)
      bitbucket.datacenter.bitbucket_access_token: *token
      diff: true
    - name: Use the created token as the connection's credential
      bitbucket.datacenter.bitbucket_webhook_info:
        username: "{{ omit }}"
        password: "{{ omit }}"
        token: "{{ created_token.secret }}"
        project: VVVV
      register: read_with_token
    - name: A failure with the token as credential
      bitbucket.datacenter.bitbucket_project:
        username: "{{ omit }}"
        password: "{{ omit }}"
        token: "{{ created_token.secret }}"
        key: VVVVX
        name: A project token cannot create projects
      ignore_errors: true
    - name: The token worked
      ansible.builtin.assert:
        that:
          - created_token.secret | length > 20
          - read_with_token.webhooks | map(attribute='name') | list == ['ci']
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


def set_up(app, url):
    """An automation system administrator enrolled in TOTP, a user to reset, a licence to install; the clock frozen."""
    state = app.state
    automation = state.add_user("vvvv-automation", "Automation", "a@example.com", SECRETS["automation_password"])
    automation.global_permission = "SYS_ADMIN"
    lost = state.add_user("vvvv-lost-phone", "Lost Phone", "l@example.com", "x")
    lost.global_permission = "LICENSED_USER"
    state.clock_frozen_at_ms = FROZEN_AT
    secret = totp.new_secret(state.auth.rng)
    state.auth.totp[automation.id] = TotpEnrollment(secret=secret, enabled_at=FROZEN_AT)
    state.auth.totp[lost.id] = TotpEnrollment(secret=totp.new_secret(state.auth.rng), enabled_at=FROZEN_AT)
    licence = emulator_call(url + "/_emulator/licenses", "POST", {"users": 500, "sen": "SEN-VVVV-0001"})["license"]
    return totp.code_at(secret, FROZEN_AT), licence


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_no_secret_of_any_module_in_vvvv_output(emulator, collections_path, tmp_path, in_process):
    app, url = emulator
    code, licence = set_up(app, url)
    playbook = tmp_path / "secrets.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    extra = dict(SECRETS, url=url, totp_code=code, licence=licence, bitbucket_datacenter_in_process=in_process)
    env = {name: "" for name in os.environ if name.startswith("BITBUCKET_")}
    env.update(ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_HOME=str(tmp_path / "home"))

    # The secrets go in a vars file, as they come from a vault: -vvvv echoes the command line.
    run, results = PlaybookRunner(collections_path, str(tmp_path)).run(str(playbook), extra_vars=extra, verbosity=4, env=env, name="vvvv")

    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "failed=0" in output and "ignored=2" in output, output[-2000:]
    assert "http_trace" in output  # -vvvv really shows the request trace
    statuses = [entry["status"] for entry in results if entry["action"].startswith("bitbucket.datacenter.")]
    assert statuses.count("failed") == 2 and len(statuses) >= 27, statuses

    # The token's one-time secret, from the emulator's record of the create (the recorded result is censored).
    creates = [entry for entry in app.requests_log if entry["method"] == "PUT" and entry["path"] == "/rest/access-tokens/latest/projects/VVVV"
               and entry["status"] == 200]
    assert len(creates) == 1
    token_secret = creates[0]["response"]["token"]
    assert len(token_secret) > 20
    secrets = dict(SECRETS, totp_code=code, licence=licence, token_secret=token_secret)
    for name, secret in secrets.items():
        assert secret not in output, "%s is in the -vvvv output" % name
    for entry in results:
        recorded = json.dumps(entry["result"])
        leaked = [name for name, secret in secrets.items() if secret in recorded or json.dumps(secret)[1:-1] in recorded]
        assert leaked == [], "%s in the result of %r" % (leaked, entry["task"])
    assert any("diff" in entry["result"] for entry in results), "no task returned a diff: the diffs were not checked"

    # Each secret did reach Bitbucket, in the requests the emulator logged.
    sent = json.dumps(app.requests_log)
    for name in ("client_secret", "rotated_secret", "crowd_password", "smtp_password", "rotated_smtp_password", "user_password",
                 "webhook_secret", "rotated_webhook_secret"):
        assert secrets[name] in sent, "%s never reached Bitbucket" % name
    assert code in sent
    assert "".join(licence.split()) in "".join(sent.replace("\\n", "").split()), "the licence never reached Bitbucket"
