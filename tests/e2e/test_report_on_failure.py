"""The compliance report is written when a task of the role fails, and says which control failed and which never ran."""

import json
import os

from conftest import HERE, emulator_call


def test_the_report_is_written_when_a_task_fails(playbook_runner, emulator_url, tmp_path):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    report_path = str(tmp_path / "report")

    completed, _results = playbook_runner.run(
        os.path.join(HERE, "playbooks", "report_on_failure.yml"),
        # A real run (the runner has no --check) that asks for the report, as an audit would write it.
        {"emulator_url": emulator_url, "project_onboarding_report": True, "project_onboarding_report_path": report_path},
        name="report_on_failure",
    )

    assert completed.returncode != 0, "the unknown hook should have failed the run"
    with open(report_path + ".json", encoding="utf-8") as handle:
        report = json.load(handle)
    statuses = {(entry["control"], entry["scope"]): entry for entry in report["controls"]}
    assert statuses[("hook", "RPTFAIL: com.example.no-such-app:no-such-hook")]["status"] == "failed"
    assert statuses[("project", "RPTFAIL")]["status"] == "drift" and statuses[("project", "RPTFAIL")]["corrected"] is True
    assert statuses[("webhook", "-")]["status"] == "skipped"
    assert statuses[("webhook", "-")]["reason"].startswith("not run")
    assert report["counts"]["failed"] == 1
    assert report["summary"].endswith("1 failed")
    with open(report_path + ".md", encoding="utf-8") as handle:
        markdown = handle.read()
    assert markdown.splitlines()[-1].startswith("**Summary:**")
    assert "Report-Failure-5ecret" not in completed.stdout + markdown + json.dumps(report)
