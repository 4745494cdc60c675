# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Lock-out guards: a change that could shut people out is refused before any write, unless ``force: true``.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Hiding the login form with no identity provider to log in through, disabling the last such provider,
or blocking basic authentication for the very account the task runs as (API-MAP 3.9 to 3.11) leave
nobody able to log in, or the automation unable to undo its own change. A module that can make such
a change works out, from what it has read, whether this run would, and calls :func:`refuse_unless_forced`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure

# The option every module with a guard has, with the same meaning.
FORCE_OPTION = dict(type="bool", default=False)


def refuse_unless_forced(context, guard, problem, remedy):
    """Fail with ``problem`` and ``remedy`` unless the task sets ``force: true``; then only warn.

    ``guard`` names the guard in the failed result (``lockout_guard``), for playbooks and tests that
    tell one refusal from another. Called before any write, so the refusal changes nothing.
    """
    if context.params.get("force"):
        context.warn("force=true overrode a lock-out guard: %s." % problem)
        return
    raise ModuleFailure(
        "Refused: %s. Nothing was changed. %s Set force=true to make the change anyway." % (problem, remedy),
        lockout_guard=guard,
    )
