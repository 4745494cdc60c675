# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: example_results
type: aggregate
short_description: Writes the result of every task of the examples playbook to a JSON-lines file
description:
  - Test helper of bitbucket.datacenter's examples test. Appends one JSON line per task result, with the host (the module whose
    examples run) and the example number (the C(bitbucket_example) variable of the block that wraps each example), to the file named
    by E(EXAMPLE_RESULTS_FILE).
requirements:
  - enable in configuration
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "example_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status, result, ignore_errors=False):
        path = os.environ.get("EXAMPLE_RESULTS_FILE")
        if not path:
            return
        example = result._task.get_vars().get("bitbucket_example")
        outcome = result._result
        entry = {
            "host": result._host.get_name(),
            "example": int(example) if example is not None else None,
            "task": result.task_name,
            "action": result._task.action,
            "status": status,
            "ignored": bool(ignore_errors),
            "changed": bool(outcome.get("changed", False)),
            "msg": str(outcome.get("msg", ""))[:2000],
        }
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result, ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)
