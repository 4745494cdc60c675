# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write-only secrets: passwords and client secrets that Bitbucket takes but never shows again.

Internal to the bitbucket.datacenter collection: this module may change at any time.

API-MAP Top trap 5: a write-only secret cannot be compared, so a module cannot know whether the
one given differs from the one set. Every such secret has an ``update_<secret>`` option with the
same two choices and the same meaning, decided here:

- ``on_create`` (the default): the secret is sent when the object is created, and otherwise never;
  a changed secret is not detected. Runs stay idempotent.
- ``always``: the secret is sent on every run, and the task reports a change each time, because
  nothing proves that it did not change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ON_CREATE = "on_create"
ALWAYS = "always"
UPDATE_CHOICES = [ALWAYS, ON_CREATE]


def update_option(default=ON_CREATE):
    """The argument spec of an ``update_<secret>`` option."""
    return dict(type="str", choices=list(UPDATE_CHOICES), default=default, no_log=False)


def sends_secret(secret, update, creating):
    """Whether this run sends ``secret``: given, and either creating the object or ``update=always``."""
    return secret is not None and (creating or update == ALWAYS)
