# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for Bitbucket to finish something it does on its own, with a timeout.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Some answers only start a change: a new repository is INITIALISING, a deleted one is scheduled for
deletion (202) and stays readable for a while (API-MAP 3.2). :func:`wait_for` reads again, with growing
pauses, until the change is visible or the timeout has passed, and then fails with what it last saw.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure

# The first pause, how it grows, and the longest one.
FIRST_PAUSE_S = 0.1
PAUSE_GROWTH = 2.0
LONGEST_PAUSE_S = 2.0


def wait_for(client, read, done, timeout, waiting_for, clock=time.monotonic):
    """Read until ``done(current)``; return that last reading.

    ``read()`` gives the current state (for example a repository, or ``None`` when it is gone);
    ``timeout`` is in seconds (0: one read, no pause). The time counted is the longer of the
    pauses taken and the clock, so a slow server cannot stretch the wait past ``timeout``.
    ``waiting_for`` completes the failure message ("repository PLAT/app to be deleted").
    """
    started = clock()
    paused = 0.0
    pause = FIRST_PAUSE_S
    while True:
        current = read()
        if done(current):
            return current
        spent = max(paused, clock() - started)
        if spent + pause > timeout:
            raise ModuleFailure(
                "Timed out after %g seconds waiting for %s; raise wait_timeout if Bitbucket needs longer" % (timeout, waiting_for),
                timed_out=True,
            )
        client.pause(pause)
        paused += pause
        pause = min(LONGEST_PAUSE_S, pause * PAUSE_GROWTH)
