# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Desired vs current for list-shaped resources (permissions, restrictions, keys).

Internal to the bitbucket.datacenter collection: this module may change at any time.

A list-shaped module takes the whole list in one task. :func:`reconcile` compares the
desired items with the current ones by key and returns the plan: what to create, what to
update, what to delete (only with ``purge``) and what is already right. The module then
carries the plan out with as few requests as the API allows.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class Plan:
    """The outcome of a comparison. Lists keep the order of the desired items."""

    def __init__(self):
        self.create = []  # desired items with no current counterpart
        self.update = []  # (current, desired) pairs that differ
        self.delete = []  # current items not desired (only when purging)
        self.unchanged = []  # (current, desired) pairs already equal

    @property
    def changed(self):
        return bool(self.create or self.update or self.delete)

    def __repr__(self):
        return "Plan(create=%r, update=%r, delete=%r, unchanged=%r)" % (self.create, self.update, self.delete, self.unchanged)


class DuplicateKeyError(ValueError):
    """Two desired items have the same key: the input is ambiguous."""

    def __init__(self, key):
        super(DuplicateKeyError, self).__init__("the key %r is listed more than once" % (key,))
        self.key = key


def reconcile(desired, current, key, equal=None, purge=False, keep=None):
    """Plan the changes that turn ``current`` into ``desired``.

    ``key(item)`` gives an item's identity, normalised by the caller (for example a
    group name lower-cased, because Bitbucket compares group names case-insensitively).
    ``equal(current_item, desired_item)`` says whether an existing item needs no update
    (default: ``==``). With ``purge``, current items that are not desired are deleted,
    except those for which ``keep(current_item)`` is true.
    """
    equal = equal or (lambda have, want: have == want)
    current_by_key = {}
    for item in current:
        current_by_key.setdefault(key(item), item)

    plan = Plan()
    seen = set()
    for item in desired:
        item_key = key(item)
        if item_key in seen:
            raise DuplicateKeyError(item_key)
        seen.add(item_key)
        have = current_by_key.get(item_key)
        if have is None:
            plan.create.append(item)
        elif equal(have, item):
            plan.unchanged.append((have, item))
        else:
            plan.update.append((have, item))

    if purge:
        for item_key, have in current_by_key.items():
            if item_key not in seen and not (keep and keep(have)):
                plan.delete.append(have)
    return plan
