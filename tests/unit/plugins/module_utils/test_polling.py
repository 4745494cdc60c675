"""Waiting for background work: poll until done, a progress log of what changed, and a timeout on the controller's clock."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import check_wait_options, wait_argument_spec, wait_for


class FakeClock:
    """A monotonic clock that moves only when the code under test pauses."""

    def __init__(self):
        self.now = 100.0
        self.pauses = []

    def __call__(self):
        return self.now

    def pause(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


def reader(*values):
    remaining = list(values)
    reads = []

    def read():
        reads.append(True)
        return remaining.pop(0)

    read.reads = reads
    return read


def test_polls_until_finished_and_logs_each_change_once():
    clock = FakeClock()
    read = reader("b", "b", "c")
    waited = wait_for(read, finished=lambda value: value == "c", wait_timeout=60, poll_interval=5, pause=clock.pause, first="a",
                      describe=lambda value: {"state": value}, clock=clock)
    assert waited.value == "c"
    assert waited.log == [{"state": "a"}, {"state": "b"}, {"state": "c"}]
    assert waited.timed_out is False
    assert (waited.polls, clock.pauses, waited.elapsed) == (3, [5, 5, 5], 15)


def test_without_a_first_value_it_reads_at_once():
    clock = FakeClock()
    read = reader("done")
    waited = wait_for(read, finished=lambda value: value == "done", wait_timeout=60, poll_interval=5, pause=clock.pause, clock=clock)
    assert (waited.value, waited.polls, clock.pauses, waited.log) == ("done", 0, [], [])


def test_a_poll_that_would_end_after_the_timeout_is_not_made():
    clock = FakeClock()
    read = reader("running", "running", "running")
    waited = wait_for(read, finished=lambda value: value == "done", wait_timeout=12, poll_interval=5, pause=clock.pause, first="running",
                      clock=clock)
    assert waited.timed_out is True
    assert waited.value == "running"
    assert clock.pauses == [5, 5]  # a third pause would end at 15 s, past 12
    assert len(read.reads) == 2


def test_a_zero_timeout_only_looks_at_what_is_in_hand():
    clock = FakeClock()
    waited = wait_for(reader(), finished=lambda value: False, wait_timeout=0, poll_interval=1, pause=clock.pause, first="running", clock=clock)
    assert (waited.timed_out, waited.polls, clock.pauses) == (True, 0, [])


def test_the_real_clock_is_the_default():
    waited = wait_for(reader("x"), finished=lambda value: True, wait_timeout=1, poll_interval=1, pause=lambda seconds: None)
    assert waited.value == "x" and waited.elapsed >= 0


def test_the_wait_options_and_their_checks():
    assert wait_argument_spec(300, 2.0) == {
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 300},
        "poll_interval": {"type": "float", "default": 2.0},
    }
    check_wait_options({"wait_timeout": 0, "poll_interval": 0.01})
    with pytest.raises(ModuleFailure) as caught:
        check_wait_options({"wait_timeout": -1, "poll_interval": 1})
    assert caught.value.details == {"invalid_option": "wait_timeout"}
    with pytest.raises(ModuleFailure) as caught:
        check_wait_options({"wait_timeout": 1, "poll_interval": 0})
    assert caught.value.details == {"invalid_option": "poll_interval"}


# -- growing pauses, for what settles in a moment ------------------------------------------------------


class _PausingClient:
    def __init__(self):
        self.pauses = []

    def pause(self, seconds):
        self.pauses.append(seconds)


def test_wait_with_backoff_pauses_longer_each_time_and_returns_the_reading_that_is_done():
    from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import wait_with_backoff

    client = _PausingClient()
    readings = iter(["INITIALISING", "INITIALISING", "INITIALISING", "AVAILABLE"])
    assert wait_with_backoff(client, lambda: next(readings), lambda state: state == "AVAILABLE", 10, "it", clock=lambda: 0.0) == "AVAILABLE"
    assert client.pauses == [0.1, 0.2, 0.4]


def test_wait_with_backoff_fails_naming_what_it_waited_for():
    from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
    from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import wait_with_backoff

    client = _PausingClient()
    try:
        wait_with_backoff(client, lambda: "DELETING", lambda state: state is None, 0.5, "repository PLAT/app to be deleted", clock=lambda: 0.0)
    except ModuleFailure as exc:
        assert "waiting for repository PLAT/app to be deleted" in exc.msg
        assert exc.details == {"timed_out": True}
    else:
        raise AssertionError("the wait did not time out")
    assert sum(client.pauses) <= 0.5
