"""The compliance report filters: registered results in, statuses, values and secrets out."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.bitbucket.datacenter.plugins.filter.compliance import MASK, compliance_markdown, compliance_report, item_label, mask


def loop(*items):
    return {"changed": any(item.get("changed") for item in items), "results": list(items)}


def report(controls, check_mode=True):
    return compliance_report(
        controls, role="project_onboarding", url="https://bb.example.com", version="9.4.0", time="2026-01-01T00:00:00Z", check_mode=check_mode
    )


def test_each_status_with_its_values():
    result = report(
        [
            {
                "control": "project",
                "result": loop(
                    {"item": {"key": "PLAT"}, "changed": False, "diff": {"before": {"name": "Platform"}, "after": {"name": "Platform"}}},
                    {"item": {"key": "WEB"}, "changed": True, "diff": {"before": {"name": "Old"}, "after": {"name": "Web"}}},
                ),
            },
            {"control": "webhook", "result": {"failed": True, "msg": "POST /rest/...: 500"}},
            {"control": "banner", "result": {"skipped": True, "false_condition": "banner is not none"}, "why": "not managed"},
            {"control": "keys", "result": None},
        ]
    )

    assert [(entry["control"], entry["scope"], entry["status"]) for entry in result["controls"]] == [
        ("project", "PLAT", "compliant"),
        ("project", "WEB", "drift"),
        ("webhook", "-", "failed"),
        ("banner", "-", "skipped"),
        ("keys", "-", "skipped"),
    ]
    drift = result["controls"][1]
    assert (drift["current"], drift["desired"]) == ({"name": "Old"}, {"name": "Web"})
    assert "corrected" not in drift
    assert result["controls"][2]["reason"] == "POST /rest/...: 500"
    assert result["controls"][3]["reason"] == "not managed"
    assert result["controls"][4]["reason"].startswith("not run")
    assert result["counts"] == {"compliant": 1, "drift": 1, "skipped": 2, "failed": 1}
    assert result["summary"] == "5 controls: 1 compliant, 1 drift, 2 skipped, 1 failed"
    assert (result["instance"], result["bitbucket_version"], result["mode"]) == ("https://bb.example.com", "9.4.0", "audit (check mode)")


def test_a_real_run_marks_drift_as_corrected():
    result = report([{"control": "banner", "result": {"changed": True}}], check_mode=False)

    assert result["controls"][0]["corrected"] is True and result["mode"] == "apply"


def test_an_empty_loop_is_one_skipped_control():
    result = report([{"control": "access keys", "result": {"skipped": True, "skipped_reason": "No items in the list", "results": []}}])

    assert result["controls"] == [{"control": "access keys", "scope": "-", "status": "skipped", "reason": "No items in the list"}]


def test_secrets_are_masked_wherever_they_are():
    diff = {
        "before": {"secret": "s3cr3t", "smtp_password": "pw", "tokens": ["kept"], "nested": [{"client_secret": "cs"}], "empty_password": ""},
        "after": {"license": "AAAB", "name": "x"},
    }
    result = report([{"control": "webhook", "result": {"changed": True, "diff": diff}}])
    entry = result["controls"][0]

    assert entry["current"] == {"secret": MASK, "smtp_password": MASK, "tokens": ["kept"], "nested": [{"client_secret": MASK}], "empty_password": ""}
    assert entry["desired"] == {"license": MASK, "name": "x"}
    assert "s3cr3t" not in compliance_markdown(result)


@pytest.mark.parametrize(
    "item, label",
    [
        ({"label": "PLAT/api", "project": "PLAT"}, "PLAT/api"),
        ({"key": "PLAT"}, "PLAT"),
        ([{"key": "PLAT"}, {"name": "api"}], "PLAT/api"),
        ([{"label": "PLAT", "project": "PLAT"}, {"name": "ci"}], "PLAT: ci"),
        ({"other": 1}, '{"other": 1}'),
    ],
)
def test_item_labels(item, label):
    assert item_label(item) == label


def test_markdown_has_the_header_a_row_per_control_and_the_summary_last():
    result = report([{"control": "banner", "result": {"changed": True, "diff": {"before": {"message": "a|b"}, "after": {"message": "c"}}}}])
    lines = compliance_markdown(result).splitlines()

    assert lines[0] == "# Bitbucket compliance report: project_onboarding"
    assert "- Instance: https://bb.example.com" in lines and "- Bitbucket version: 9.4.0" in lines
    assert '| banner | - | drift | {"message": "a\\|b"} | {"message": "c"} |  |' in lines
    assert lines[-1] == "**Summary:** 1 controls: 0 compliant, 1 drift, 0 skipped, 0 failed"


@pytest.mark.parametrize("controls", ["not a list", [{"result": {}}], [{"control": "x", "result": "text"}]])
def test_bad_input_is_refused(controls):
    with pytest.raises(AnsibleFilterError):
        report(controls)


def test_mask_leaves_plain_values():
    assert mask({"name": "x", "items": [1, 2]}) == {"name": "x", "items": [1, 2]}
    with pytest.raises(AnsibleFilterError):
        compliance_markdown({"no": "controls"})
