# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Generic present/absent logic for resources that are one object with an identity.

Internal to the bitbucket.datacenter collection: this module may change at any time.

A module describes its resource with a few callables (read, create, update, delete and
the projection of the fields it manages) and :func:`ensure` does the rest: compare only
what the user set, honour check mode, build the diff, and never repeat a write blindly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, changed_fields


# How many times a write whose answer was lost is tried, each after a fresh read.
WRITE_ATTEMPTS = 5


def guarded_write(write, read, landed, attempts=WRITE_ATTEMPTS):
    """Run ``write()``; if it failed in a way that may have applied it, re-read before anything else.

    DESIGN "reliability": a create that failed mid-flight (a 5xx answer, a connection lost
    after sending) is never repeated blindly. ``read()`` returns the current object or
    ``None``; ``landed(current)`` says whether the write is visible in it. If it landed, the
    re-read object is the result; if it provably did not, the write is made again, up to
    ``attempts`` times in all.
    """
    failure = None
    for _attempt in range(attempts):
        try:
            return write()
        except BitbucketError as exc:
            if not exc.maybe_applied:
                raise
            failure = exc
        current = read()
        if current is not None and landed(current):
            return current
    raise failure


_GONE = object()


def guarded_delete(delete, read, attempts=WRITE_ATTEMPTS):
    """Run ``delete()``; after a failure that may have applied it, a re-read showing the object gone ends it.

    ``read()`` returns the object or ``None``. An object still there is deleted again, up to ``attempts`` times.
    """
    guarded_write(delete, lambda: _GONE if read() is None else None, lambda _gone: True, attempts)


class Resource:
    """How to read and write one kind of object.

    ``read()`` -> the server object or ``None``; ``create(fields)`` and
    ``update(current, changes)`` -> the server object, or ``None`` when the answer carries
    no body (the object is then read again); ``delete(current)``; ``project(obj)`` -> the
    managed fields as the module compares them (normalised).
    """

    def __init__(self, read, create, update, delete, project):
        self.read = read
        self.create = create
        self.update = update
        self.delete = delete
        self.project = project


def known_first(value, read):
    """A ``read`` whose first call answers ``value``, which the caller has just read; later calls read again.

    For a module that must look at the current object before :func:`ensure` does: no second GET.
    """
    pending = [value]

    def first_then_read():
        if pending:
            return pending.pop()
        return read()

    return first_then_read


def singleton(read, write, project, delete=None):
    """A configuration the server holds once and takes whole (banner, basic auth, mail server, rate limits).

    DESIGN "singletons written whole": a PUT replaces the whole document, so an update sends what is
    there merged with what changes, never the changed fields alone (which would reset the others).
    ``read()`` -> the document or ``None`` when not configured; ``write(fields)`` sends the whole
    document built from the managed ``fields`` (as ``project`` names them) and returns the server's
    answer or ``None``; ``delete(current)`` removes it (``None`` when the API cannot).
    """

    def update(current, changes):
        whole = dict(project(current))
        whole.update(changes)
        return write(whole)

    def cannot_delete(current):
        raise ModuleFailure("this configuration cannot be removed, only changed")

    return Resource(read=read, create=write, update=update, delete=delete or cannot_delete, project=project)


def ensure(context, resource, state, desired, defaults=None, required_on_create=(), label="the object", precheck=None):
    """Converge one object to ``state`` (``present``/``absent``) with ``desired`` fields.

    ``desired`` holds the managed fields, ``None`` meaning "not set by the user, leave as
    is". ``defaults`` fill unset fields on create only; a create without one of the
    ``required_on_create`` fields fails, in check mode too, before anything is written; the
    message calls the object ``label`` (for example "project PLAT"). ``precheck(current,
    fields)`` runs when a create or an update is planned, in check mode too, before anything
    is written: ``current`` is the server object (``None`` on create) and ``fields`` the
    managed fields the object would have; it raises to refuse. Returns
    ``(changed, before, after, obj)`` where ``before``/``after`` are projections for the
    diff and ``obj`` is the server object after the run (predicted in check mode).
    """
    current = resource.read()
    before = resource.project(current) if current is not None else None

    if state == "absent":
        if current is None:
            return False, None, None, None
        if not context.check_mode:
            # A delete whose answer is lost is over when a fresh read finds the object gone.
            guarded_delete(lambda: resource.delete(current), resource.read)
        return True, before, None, None

    if current is None:
        fields = dict(defaults or {})
        fields.update({key: value for key, value in desired.items() if value is not None})
        missing = [option for option in required_on_create if fields.get(option) is None]
        if missing:
            raise ModuleFailure(
                "Option '%s' is required to create %s, which does not exist yet" % ("', '".join(missing), label),
                missing_options=missing,
            )
        if precheck is not None:
            precheck(None, fields)
        if context.check_mode:
            return True, None, resource.project(fields), fields

        try:
            created = guarded_write(lambda: resource.create(fields), resource.read, lambda obj: True)
        except BitbucketError as exc:
            # 409: another run (a parallel fork) created it between our read and our create.
            # Converge on what is there instead of failing (DESIGN "reliability").
            current = resource.read() if exc.status == 409 else None
            if current is None:
                raise
            before = resource.project(current)
        else:
            if created is None:
                created = resource.read()
            return True, None, resource.project(created), created

    changes = changed_fields(before, desired)
    if not changes:
        return False, before, before, current
    predicted = dict(before)
    predicted.update(changes)
    if precheck is not None:
        precheck(current, predicted)
    if context.check_mode:
        return True, before, predicted, _merge(current, changes)

    def update_landed(obj):
        projected = resource.project(obj)
        return all(projected.get(key) == value for key, value in changes.items())

    updated = guarded_write(lambda: resource.update(current, changes), resource.read, update_landed)
    if updated is None:
        updated = resource.read()
    return True, before, resource.project(updated), updated


def _merge(obj, changes):
    merged = dict(obj)
    merged.update(changes)
    return merged
