"""Helpers shared by the module tests: run a module's ``run(context)`` and script a scenario in both modes.

A scenario lists every call of the real run; :func:`expect` keeps only its reads in check mode, so one
list proves both that check mode reads the same and that it writes nothing.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute

CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def expect(http, calls, check_mode):
    """The scenario's calls; in check mode only its reads, without the re-reads that follow a write."""
    http.expect(*[call for call in calls if not check_mode or (call.method == "GET" and not getattr(call, "after_write", False))])


def reread(call):
    """Mark a GET as the read-back of a write: the real run makes it, check mode does not."""
    call.after_write = True
    return call


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]


def runner(module, http, make_context):
    """``run(params, check_mode=..., diff=..., verbosity=...)``: the module's logic through ``execute``, as both paths call it."""

    def run(params, check_mode=False, diff=True, verbosity=0):
        context = make_context(module.MODULE_SPEC, params, check_mode=check_mode, diff=diff, verbosity=verbosity)
        result = execute(module.run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        result["warnings"] = list(context.warnings)
        return result

    return run
