# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A declared set of items of one scope, each item written with its own request: plan, check mode, writes, diff.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Branch restrictions and default-reviewer conditions (API-MAP 3.4, section 8) are lists whose items have an
identity (a matcher and a type; a source and a target matcher) but no name, and that Bitbucket creates,
changes and deletes one at a time. :func:`converge` gives a task the whole list of a scope:

* every listed item ends up existing exactly once with the declared fields: a missing one is created, a
  different one is updated, and other items of the same identity (left by a run that was interrupted, or
  made by hand) are deleted;
* with ``purge``, items whose identity is not listed are deleted; with ``absent``, the listed identities are;
* where Bitbucket has no update (branch restrictions, API-MAP 3.4 "There is no PUT"), a change creates the
  new item first and deletes the old one afterwards, so the scope is never without it; every create comes
  before every delete;
* a write whose answer is lost is not repeated blindly: the list is read again first (``guarded_write``);
* where an item has a coarser identity too (``slot``: the branches a required build applies to, API-MAP
  section 8), a purge run rewrites an unlisted item of a listed item's slot in place (one update by id)
  instead of creating the listed one and deleting the other.
* the list read at the end of a run that changed something shows whether a parallel run created the same item
  meanwhile; the duplicates go, and every run keeps the same one (the declared item with the lowest id).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write


class ItemSet:
    """How one kind of item is read and written.

    ``read()``: the scope's own items, normalised, each with its ``id``. ``key(item)``: the identity (a
    sortable tuple). ``equal(have, want)``: whether ``have`` needs no change. ``create(want)``: the created
    item, normalised. ``update(have, want)``: the updated item, or ``None`` for "no update endpoint"
    (then a change is a create and a delete). ``delete(have)``. ``describe(item)``: for messages.
    ``slot(item)``: optional, a coarser identity than ``key``; with purge and an update endpoint, an item to
    be created takes over an item of the same slot that would be purged, by an update in place.
    """

    def __init__(self, read, key, equal, create, delete, update=None, describe=repr, slot=None):
        self.read = read
        self.key = key
        self.equal = equal
        self.create = create
        self.delete = delete
        self.update = update
        self.describe = describe
        self.slot = slot


def condition_writes(client, path, body, normalize):
    """``create``, ``update`` and ``delete`` of an ItemSet whose items live at ``path("condition"[, id])``.

    Merge-check conditions (default reviewers, required builds) share this shape: POST the collection's
    ``condition`` path, answered with the new item; PUT and DELETE it by id; a DELETE of one already gone
    is done. ``path(*segments)`` builds the REST path, ``body(want)`` the request body.
    """

    def written(answer):
        return normalize(answer) if isinstance(answer, dict) and answer.get("id") is not None else None

    return dict(
        create=lambda want: written(client.post(path("condition"), json=body(want)).body),
        update=lambda have, want: client.put(path("condition", str(have["id"])), json=body(want)).body,
        delete=lambda have: client.delete(path("condition", str(have["id"])), missing_ok=True),
    )


class ItemPlan:
    def __init__(self):
        self.create = []    # desired items
        self.update = []    # (current, desired)
        self.delete = []    # current items
        self.unchanged = []

    @property
    def changed(self):
        return bool(self.create or self.update or self.delete)


def plan_items(item_set, current, desired, purge=False, absent=False):
    """Compare; ``desired`` must not list one identity twice (the caller checks it, naming the option)."""
    groups = {}
    for item in current:
        groups.setdefault(item_set.key(item), []).append(item)
    plan = ItemPlan()
    listed = set()
    for want in desired:
        key = item_set.key(want)
        listed.add(key)
        have = groups.get(key, [])
        if absent:
            plan.delete.extend(have)
            continue
        match = next((item for item in have if item_set.equal(item, want)), None)
        if match is not None:
            plan.unchanged.append((match, want))
        elif have:
            match = have[0]
            plan.update.append((match, want))
        else:
            plan.create.append(want)
        # The same identity more than once: only the declared one stays.
        plan.delete.extend(item for item in have if item is not match)
    if purge and not absent:
        for key, have in groups.items():
            if key not in listed:
                plan.delete.extend(have)
        if item_set.slot is not None and item_set.update is not None:
            _rewrite_in_place(item_set, plan)
    return plan


def _rewrite_in_place(item_set, plan):
    """Pair each item to create with an item to purge of the same slot: one update by id instead of two writes.

    Candidates are taken in identity order, so the same lists always pair the same way.
    """
    for want in list(plan.create):
        candidates = sorted((have for have in plan.delete if item_set.slot(have) == item_set.slot(want)),
                            key=lambda have: (item_set.key(have), have.get("id") or 0))
        if candidates:
            have = candidates[0]
            plan.delete = [item for item in plan.delete if item is not have]
            plan.create.remove(want)
            plan.update.append((have, want))


def _sorted(item_set, items):
    return sorted(items, key=lambda item: (item_set.key(item), item.get("id") or 0))


def _predict(item_set, current, plan):
    gone = {id(item) for item in plan.delete}
    replaced = {id(have): want for have, want in plan.update}
    after = []
    for item in current:
        if id(item) in gone:
            continue
        if id(item) in replaced:
            want = dict(replaced[id(item)])
            # An update in place keeps the id; a replacement gets a new one, unknown until it exists.
            want["id"] = item.get("id") if item_set.update is not None else None
            after.append(want)
        else:
            after.append(item)
    after.extend(dict(want, id=None) for want in plan.create)
    return _sorted(item_set, after)


def _create(item_set, want, known_ids):
    found = []

    def read_again():
        now = item_set.read()
        found[:] = [item for item in now if item.get("id") not in known_ids and item_set.key(item) == item_set.key(want) and item_set.equal(item, want)]
        return now

    created = guarded_write(lambda: item_set.create(want), read_again, landed=lambda _now: bool(found))
    if isinstance(created, list) or created is None:
        if not found:
            read_again()
        if not found:
            # Never go on to delete what this create was to replace without seeing the new item.
            raise ModuleFailure("Bitbucket accepted %s but does not list it; nothing else was changed" % item_set.describe(want))
        created = found[0]
    known_ids.add(created.get("id"))
    return created


def _update(item_set, have, want):
    def landed(now):
        return any(item.get("id") == have.get("id") and item_set.key(item) == item_set.key(want) and item_set.equal(item, want) for item in now)

    guarded_write(lambda: item_set.update(have, want), item_set.read, landed)


def _delete(item_set, have):
    def landed(now):
        return all(item.get("id") != have.get("id") for item in now)

    guarded_write(lambda: item_set.delete(have), item_set.read, landed)


def converge(context, item_set, desired, purge=False, absent=False):
    """Make the scope hold ``desired``; returns ``(changed, before, after)``, sorted lists of normalised items.

    In check mode nothing is written and ``after`` is the prediction (new items have ``id`` None).
    """
    current = item_set.read()
    before = _sorted(item_set, current)
    plan = plan_items(item_set, current, desired, purge=purge, absent=absent)
    if not plan.changed:
        return False, before, before
    if context.check_mode:
        return True, before, _predict(item_set, current, plan)

    known_ids = {item.get("id") for item in current}
    for want in plan.create:
        _create(item_set, want, known_ids)
    replaced = []
    for have, want in plan.update:
        if item_set.update is not None:
            _update(item_set, have, want)
        else:
            # No update endpoint: the new item exists before the old one goes.
            new = _create(item_set, want, known_ids)
            if new.get("id") != have.get("id"):
                replaced.append(have)
    for have in replaced + plan.delete:
        _delete(item_set, have)
    after = item_set.read()
    if not absent:
        # Another run (a parallel fork) may have created the same item between our read and our create.
        duplicates = concurrent_duplicates(item_set, after, desired)
        if duplicates:
            for have in duplicates:
                _delete(item_set, have)
            after = item_set.read()
    return True, before, _sorted(item_set, after)


def concurrent_duplicates(item_set, current, desired):
    """Items to delete so that each desired identity is held once: of several, the declared one with the lowest id stays.

    Every run that sees the duplicates chooses the same item to keep, so parallel runs agree.
    """
    groups = {}
    for item in current:
        groups.setdefault(item_set.key(item), []).append(item)
    extra = []
    for want in desired:
        have = groups.get(item_set.key(want), [])
        if len(have) < 2:
            continue
        declared = [item for item in have if item_set.equal(item, want)] or have
        keep = min(declared, key=lambda item: item.get("id") or 0)
        extra.extend(item for item in have if item is not keep)
    return extra
