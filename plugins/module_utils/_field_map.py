# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Flat module options mapped onto Bitbucket's field names, in one table per module.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Several Bitbucket APIs name their fields in kebab-case (the authconfig and basicauth plugins,
API-MAP 3.9 to 3.11) and nest some of them (an IdP's ``jit-configuration``). Options stay flat and
snake-case (STYLE "options flat at the top level"); a :class:`FieldMap` says once which option is
which field, how its value is normalised before comparing, and which kinds of object it applies to,
and from that gives the comparable projection of a server object, the desired values of a task, and
the request body for some options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy


def as_set(value):
    """Lists whose order and duplicates mean nothing (scopes, allowed users): compared sorted, once each."""
    return None if value is None else sorted(set(value))


def unique(values):
    """A list without its repeats, in the order given: what is sent for a set-like option."""
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _normalised(field, value):
    return None if value is None else field.normalise(value)


class Field:
    """One option: ``api`` is the field's name, ``outer/inner`` for a field inside an object.

    ``normalise(value)`` gives the value as it is compared (default: as it is); ``kinds`` the kinds of
    object the option applies to (``None``: every kind); ``send(value)`` the value put in a request
    (default: the option's value as given).
    """

    def __init__(self, option, api, normalise=None, kinds=None, send=None):
        self.option = option
        self.path = tuple(api.split("/"))
        self.normalise = normalise or (lambda value: value)
        self.kinds = tuple(kinds) if kinds is not None else None
        self.send = send or (lambda value: value)

    def applies_to(self, kind):
        return self.kinds is None or kind in self.kinds

    def read(self, obj):
        for key in self.path:
            if not isinstance(obj, dict) or key not in obj:
                return None
            obj = obj[key]
        return obj


class FieldMap:
    def __init__(self, fields):
        self.fields = list(fields)
        self.by_option = {field.option: field for field in self.fields}

    @property
    def options(self):
        return [field.option for field in self.fields]

    def project(self, obj, kind=None):
        """The managed fields of a server object, by option name, normalised; those of ``kind`` only, when given."""
        return {field.option: _normalised(field, field.read(obj)) for field in self.fields if kind is None or field.applies_to(kind)}

    def desired(self, params):
        """What the task asks for, by option name, normalised; ``None`` for an option it leaves alone."""
        return {field.option: _normalised(field, params.get(field.option)) for field in self.fields}

    def not_applicable(self, params, kind):
        """The options set in ``params`` that do not apply to ``kind``."""
        return [field.option for field in self.fields if params.get(field.option) is not None and not field.applies_to(kind)]

    def to_api(self, values, base=None):
        """A request body holding ``values`` (by option name) under Bitbucket's names.

        A field inside an object is sent with the whole object: what ``base`` (the current server
        object) holds there, with the new values over it. Bitbucket then gets the same object whether
        it replaces the nested object or merges into it.
        """
        body = {}
        for option, value in values.items():
            field = self.by_option[option]
            if len(field.path) == 1:
                body[field.path[0]] = field.send(value)
                continue
            outer, inner = field.path
            if outer not in body:
                current = (base or {}).get(outer)
                body[outer] = copy.deepcopy(current) if isinstance(current, dict) else {}
            body[outer][inner] = field.send(value)
        return body
