# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Writes every task result to a JSON-lines file, for the end-to-end tests
description:
  - Test helper of bitbucket.datacenter. Appends one JSON line per task result to the file named by E(RECORD_RESULTS_FILE).
requirements:
  - enable in configuration
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status, result):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        role = getattr(result._task, "_role", None)
        entry = {
            "role": role.get_name() if role is not None else None,
            "task": result.task_name,
            "action": result._task.action,
            "status": status,
            "result": result._result,
            # When the result arrived, for the per-target timings tools/integration_timings.py prints.
            "at": round(time.time(), 3),
        }
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_item_on_ok(self, result):
        self._record("item_ok", result)

    def v2_runner_item_on_failed(self, result):
        self._record("item_failed", result)
