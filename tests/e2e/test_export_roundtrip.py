"""Adopting an instance: export a varied instance, apply both roles with the exported variables, nothing changes."""

import os
import subprocess

import yaml

from conftest import HERE, emulator_call

AUTOMATION_PASSWORD = "Roundtrip-Automation-9d2f"
SECRETS = ("Roundtrip-Hook-5ecret", "Roundtrip-Smtp-5ecret", AUTOMATION_PASSWORD)


def _keys(directory):
    for name in ("deploy", "ledger"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", os.path.join(directory, name)], check=True)


def test_export_then_apply_is_a_no_op(playbook_runner, emulator_url, tmp_path):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    _keys(str(tmp_path))
    common = {"bitbucket_url": emulator_url, "automation_password": AUTOMATION_PASSWORD}
    completed, _seed_results = playbook_runner.run(os.path.join(HERE, "playbooks", "roundtrip_seed.yml"), dict(common, key_dir=str(tmp_path)), name="seed")
    assert completed.returncode == 0, completed.stdout[-4000:]

    export_dir = str(tmp_path / "adopted")
    completed, _export_results = playbook_runner.run(
        "bitbucket.datacenter.export",
        {"bitbucket_export_dir": export_dir},
        env={"BITBUCKET_URL": emulator_url, "BITBUCKET_USERNAME": "automation", "BITBUCKET_PASSWORD": AUTOMATION_PASSWORD},
        name="export",
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    with open(os.path.join(export_dir, "project_onboarding.yml"), encoding="utf-8") as handle:
        text = handle.read()
        projects = {project["key"]: project for project in yaml.safe_load(text)["bitbucket_projects"]}
    with open(os.path.join(export_dir, "instance_hardening.yml"), encoding="utf-8") as handle:
        hardening_text = handle.read()
        hardening = yaml.safe_load(hardening_text)
    for secret in SECRETS:
        assert secret not in text + hardening_text + completed.stdout

    # What was seeded is in the export, so the no-op below proves the round trip, not an empty file.
    assert {"PAY", "OPS", "PUB"} <= set(projects)
    pay = projects["PAY"]
    assert {"name": "alice", "permission": "PROJECT_ADMIN"} in pay["users"]
    pull_request_only = [r for r in pay["branch_restrictions"] if r["type"] == "pull-request-only"]
    assert pull_request_only[0]["exempt_users"] == ["alice"] and pull_request_only[0]["exempt_groups"] == ["release-managers"]
    assert {"name": "ci", "permissions": ["PROJECT_READ", "REPO_WRITE"], "expiry_days": 60} in pay["access_tokens"]
    assert pay["pull_request_settings"]["default_strategy"] == "squash"
    assert pay["default_reviewers"][0]["reviewers"] == ["alice", "bob"]
    assert [webhook["name"] for webhook in pay["webhooks"]] == ["ci"]
    ledger = {repository["slug"]: repository for repository in pay["repositories"]}["ledger"]
    assert ledger["default_branch"] == "develop"
    assert ledger["pull_request_settings"] == {"required_approvers": 2}
    assert ledger["access_keys"][0]["label"] == "ledger-ci"
    ops = projects["OPS"]
    assert ops["default_permission"] == "PROJECT_READ"
    assert ops["auto_decline"] == {"enabled": True, "inactivity_weeks": 8}
    assert {key: str(value) for key, value in ops["hooks"][0]["settings"].items()} == {"sizeLimit": "25"}
    assert hardening["instance_hardening_default_branch"] == "trunk"
    assert hardening["instance_hardening_loggers"] == {"ROOT": "ERROR"}
    assert hardening["instance_hardening_repository_delete_permission"] == "SYS_ADMIN"
    assert hardening["instance_hardening_banner"]["text"] == "Adopted instance"
    assert {"name": "carol", "whitelisted": False, "capacity": 500, "fill_rate": 50} in hardening["instance_hardening_rate_limit_overrides"]

    emulator_call(emulator_url + "/_emulator/requests", "DELETE")
    completed, results = playbook_runner.run(
        os.path.join(HERE, "playbooks", "roundtrip_apply.yml"),
        {"emulator_url": emulator_url, "automation_password": AUTOMATION_PASSWORD, "export_dir": export_dir},
        name="apply",
    )
    assert completed.returncode == 0, completed.stdout[-6000:]
    changed = [entry["task"] for entry in results if entry["result"].get("changed")]
    assert changed == [], changed
    assert " changed=0 " in completed.stdout
    counters = emulator_call(emulator_url + "/_emulator/counters")
    assert counters["writes"] == 0, counters
    assert counters["total"] > 0, "the roles read nothing, so the no-op proves nothing"
