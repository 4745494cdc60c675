# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance report of the roles: registered task results in, one report out (JSON-ready and Markdown).

Each control is a task of a role, or one item of a looped task; its registered result says what the
audit found: ``failed``, ``skipped`` (with the reason), ``changed`` (in check mode: drift, the change the
run would make; in a real run: drift that the run corrected) or neither (compliant). The current and
desired values are the module's diff (``before`` and ``after``), which the roles request while reporting.
A control whose task never ran (an earlier task failed, or tags left it out) is reported as skipped with
that reason, so the report always lists every control.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.errors import AnsibleFilterError

MASK = "********"
# Whatever key names a secret is masked wherever it appears (API-MAP 1.5; the modules mask their own, this
# is the second line of defence for a report that is kept and shared).
SECRET_KEY = re.compile(r"(token|password|passphrase|secret|licen[cs]e|credential|private)", re.IGNORECASE)
# Keys that contain one of the words above but hold no secret.
NOT_SECRET = frozenset(["tokens", "token_id", "access_tokens", "secret_file", "update_secret", "update_smtp_password", "licensed_users"])
STATUSES = ("compliant", "drift", "skipped", "failed")


def mask(value, key=None):
    """A copy of ``value`` with every value under a secret-looking key replaced by the mask."""
    if key is not None and SECRET_KEY.search(str(key)) and str(key).lower() not in NOT_SECRET:
        if value in (None, "", [], {}):
            return value
        return MASK
    if isinstance(value, dict):
        return {k: mask(v, k) for k, v in value.items() if not str(k).startswith("_ansible")}
    if isinstance(value, (list, tuple)):
        return [mask(item) for item in value]
    return value


def _reason(result):
    for key in ("skip_reason", "skipped_reason"):
        if result.get(key):
            return str(result[key])
    if result.get("false_condition"):
        return "condition not met: %s" % result["false_condition"]
    return "skipped"


def _name(value):
    if isinstance(value, dict):
        for key in ("label", "key", "name"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def item_label(item):
    """How a loop item of the roles is named in the report: a scope's label, a project key, or "scope: name"."""
    if isinstance(item, str):
        return item
    if isinstance(item, (list, tuple)) and len(item) == 2:
        owner, member = _name(item[0]), _name(item[1])
        if owner and member:
            # [project, repository] (the project's key, the repository's name) or [scope, member].
            separator = "/" if isinstance(item[0], dict) and "key" in item[0] and "label" not in item[0] else ": "
            return owner + separator + member
    name = _name(item)
    if name:
        return name
    return json.dumps(mask(item), sort_keys=True)


def _control(concern, scope, result, desired, check_mode, why=None):
    entry = dict(control=concern, scope=scope)
    if result is None:
        entry.update(status="skipped", reason="not run (left out by tags, or an earlier task failed)")
        return entry
    if not isinstance(result, dict):
        raise AnsibleFilterError("compliance_report: the result of control %r is not a registered task result" % concern)
    diff = result.get("diff")
    if isinstance(diff, list):
        diff = diff[0] if diff else None
    if result.get("failed"):
        entry.update(status="failed", reason=str(result.get("msg") or "failed"))
    elif result.get("skipped"):
        # A control skipped by its condition is explained by the role (``why``), not by the condition's text.
        entry.update(status="skipped", reason=why or _reason(result))
    elif result.get("changed"):
        entry.update(status="drift")
        if not check_mode:
            entry["corrected"] = True
    else:
        entry.update(status="compliant")
    if isinstance(diff, dict) and entry["status"] in ("drift", "compliant"):
        entry["current"] = mask(diff.get("before"))
        entry["desired"] = mask(diff.get("after"))
    elif desired is not None:
        entry["desired"] = mask(desired)
    return entry


def _entries(control, check_mode):
    if not isinstance(control, dict) or "control" not in control:
        raise AnsibleFilterError("compliance_report: each control needs a 'control' name, got %r" % (control,))
    concern = control["control"]
    result = control.get("result")
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        items = result["results"]
        if not items and result.get("skipped"):
            return [_control(concern, control.get("scope", "-"), result, control.get("desired"), check_mode, control.get("why"))]
        entries = []
        for item in items:
            scope = item_label(item.get("_ansible_item_label", item.get("item")))
            entries.append(_control(concern, scope, item, None, check_mode))
        return entries
    return [_control(concern, control.get("scope", "-"), result, control.get("desired"), check_mode, control.get("why"))]


def compliance_report(controls, role, url=None, version=None, time=None, check_mode=True):
    """The report: a header (role, instance, version, time, mode), one entry per control, a summary."""
    if not isinstance(controls, list):
        raise AnsibleFilterError("compliance_report: expects a list of controls, got %s" % type(controls).__name__)
    entries = []
    for control in controls:
        entries.extend(_entries(control, bool(check_mode)))
    counts = {status: sum(1 for entry in entries if entry["status"] == status) for status in STATUSES}
    summary = "%d controls: %d compliant, %d drift, %d skipped, %d failed" % (
        len(entries),
        counts["compliant"],
        counts["drift"],
        counts["skipped"],
        counts["failed"],
    )
    return dict(
        role=role,
        instance=url,
        bitbucket_version=version,
        time=time,
        mode="audit (check mode)" if check_mode else "apply",
        controls=entries,
        counts=counts,
        summary=summary,
    )


def _cell(value):
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text.replace("|", "\\|").replace("\n", " ")


def compliance_markdown(report):
    """The report as a Markdown document: the header, a table of the controls, the summary line last."""
    if not isinstance(report, dict) or "controls" not in report:
        raise AnsibleFilterError("compliance_markdown: expects the result of compliance_report")
    lines = [
        "# Bitbucket compliance report: %s" % report.get("role"),
        "",
        "- Instance: %s" % (report.get("instance") or "unknown"),
        "- Bitbucket version: %s" % (report.get("bitbucket_version") or "unknown"),
        "- Time: %s" % (report.get("time") or "unknown"),
        "- Mode: %s" % report.get("mode"),
        "",
        "| Control | Scope | Status | Current | Desired | Reason |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in report["controls"]:
        lines.append("| %s |" % " | ".join(_cell(entry.get(key)) for key in ("control", "scope", "status", "current", "desired", "reason")))
    lines.extend(["", "**Summary:** %s" % report.get("summary"), ""])
    return "\n".join(lines)


class FilterModule(object):
    def filters(self):
        return dict(compliance_report=compliance_report, compliance_markdown=compliance_markdown)
