# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: task_timer
type: aggregate
short_description: Writes each task's wall time to a JSON file, for the benchmarks
description:
  - Benchmark helper of bitbucket.datacenter. Writes C({task name: seconds}) to the file named by E(TASK_TIMER_FILE).
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
    CALLBACK_NAME = "task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._current = None
        self._started = None
        self._durations = {}

    def _close_current(self):
        if self._current is not None:
            self._durations[self._current] = time.perf_counter() - self._started
            self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_current()
        self._current = task.get_name()
        self._started = time.perf_counter()

    def v2_playbook_on_stats(self, stats):
        self._close_current()
        path = os.environ.get("TASK_TIMER_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self._durations, handle)
