# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for something Bitbucket does in the background: poll it until it is done, or until a timeout.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Bitbucket deletes Mesh nodes asynchronously (API-MAP 3.24), runs migration jobs in the background
(seed 003, API-MAP section 5), initialises new repositories and deletes old ones after answering
(API-MAP 3.2): the request that starts the work returns at once, and a client reads the object again
until it has reached its end. Every module that waits does it here, with the same two
options: ``wait_timeout`` (seconds, measured on the controller's monotonic clock) and ``poll_interval``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from time import monotonic

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option


def wait_argument_spec(wait_timeout, poll_interval):
    """``wait``, ``wait_timeout`` and ``poll_interval``, with the defaults that suit what is waited for."""
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=wait_timeout),
        poll_interval=dict(type="float", default=poll_interval),
    )


class Waited:
    """The outcome of a wait: the last value read, the log of what changed, and whether time ran out."""

    def __init__(self, value, log, timed_out, elapsed, polls):
        self.value = value
        self.log = log
        self.timed_out = timed_out
        self.elapsed = elapsed
        self.polls = polls


def wait_for(read, finished, wait_timeout, poll_interval, pause, first=None, describe=None, clock=None):
    """Read again every ``poll_interval`` seconds until ``finished(value)``, for at most ``wait_timeout`` seconds.

    ``first`` is the value already in hand (the answer that started the work); without it the first
    read is made at once. ``pause(seconds)`` waits (the client's, so that tests do not sleep).
    ``describe(value)`` gives the entry of the progress log for a value; an entry is logged when it
    differs from the one before. A poll is not started when it would end after the timeout.
    """
    clock = clock or monotonic
    started = clock()
    log = []
    polls = 0

    def note(value):
        if describe is not None:
            entry = describe(value)
            if not log or log[-1] != entry:
                log.append(entry)

    value = first if first is not None else read()
    note(value)
    while not finished(value):
        if clock() - started + poll_interval > wait_timeout:
            return Waited(value, log, True, clock() - started, polls)
        pause(poll_interval)
        value = read()
        polls += 1
        note(value)
    return Waited(value, log, False, clock() - started, polls)


def check_wait_options(params):
    """Refuse, before any request, a wait that cannot work."""
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
        raise invalid_option("wait_timeout", "must be 0 or more seconds")
    if params.get("poll_interval") is not None and params["poll_interval"] <= 0:
        raise invalid_option("poll_interval", "must be more than 0 seconds")


def wait_until_gone(client, path, params, label, result_key):
    """Poll ``GET path`` until it answers 404, as ``params`` allow; fail, naming ``label``, when time runs out first.

    The failure says the removal goes on, and carries the last object read under ``result_key``.
    """
    waited = wait_for(
        read=lambda: client.get(path, missing_ok=True),
        finished=lambda found: found is None,
        wait_timeout=params["wait_timeout"],
        poll_interval=params["poll_interval"],
        pause=client.pause,
    )
    if waited.timed_out:
        raise ModuleFailure(
            "%s is still %s after %d seconds (wait_timeout); Bitbucket goes on removing it in the background"
            % (label, (waited.value or {}).get("state", "there"), params["wait_timeout"]),
            changed=True,
            **{result_key: waited.value}
        )
    return waited


# The first pause, how it grows, and the longest one.
FIRST_PAUSE_S = 0.1
PAUSE_GROWTH = 2.0
LONGEST_PAUSE_S = 2.0


def wait_with_backoff(client, read, done, timeout, waiting_for, clock=None):
    """Read until ``done(current)``, with growing pauses; return that last reading, or fail at ``timeout``.

    For what settles in a moment (a new repository leaving INITIALISING, a deleted one going away,
    API-MAP 3.2), where a fixed ``poll_interval`` would be too slow at first and too busy later.

    ``read()`` gives the current state (for example a repository, or ``None`` when it is gone);
    ``timeout`` is in seconds (0: one read, no pause). The time counted is the longer of the
    pauses taken and the clock, so a slow server cannot stretch the wait past ``timeout``.
    ``waiting_for`` completes the failure message ("repository PLAT/app to be deleted").
    """
    clock = clock or monotonic
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
