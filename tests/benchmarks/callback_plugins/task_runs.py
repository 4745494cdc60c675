# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: task_runs
type: aggregate
short_description: Counts the task runs of a playbook (each loop item is one), for the benchmarks
description:
  - Benchmark helper of bitbucket.datacenter. Writes C({"runs", "skipped", "changed", "failed"}) to the file named by
    E(TASK_RUNS_FILE). A looped task counts once per item; a skipped item or task counts as skipped, not as a run.
requirements:
  - enable in configuration
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_runs"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.counts = {"runs": 0, "skipped": 0, "changed": 0, "failed": 0}

    def _ran(self, result, failed=False):
        self.counts["runs"] += 1
        if result._result.get("changed"):
            self.counts["changed"] += 1
        if failed:
            self.counts["failed"] += 1

    def v2_runner_on_ok(self, result):
        # A looped task reports each item, then once more for the whole loop: count the items only.
        if "results" not in result._result:
            self._ran(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if "results" not in result._result:
            self._ran(result, failed=True)

    def v2_runner_item_on_ok(self, result):
        self._ran(result)

    def v2_runner_item_on_failed(self, result):
        self._ran(result, failed=True)

    def v2_runner_on_skipped(self, result):
        if "results" not in result._result:
            self.counts["skipped"] += 1

    def v2_runner_item_on_skipped(self, result):
        self.counts["skipped"] += 1

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("TASK_RUNS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self.counts, handle)
