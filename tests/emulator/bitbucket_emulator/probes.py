"""Probes: the emulator reads a resource at the moment a matching request arrives, before applying it.

A test that must prove an ordering of writes ("the new branch restriction exists before the old one
is deleted", brief of bitbucket_branch_restriction) cannot read between two requests of one module
run. A probe does it for the test: when a request matches, the emulator first answers an internal
``GET <path>`` with the request's own credentials and keeps that answer. The internal read is not
logged, not counted and not subject to faults. ``GET /_emulator/probes`` shows what was captured.

A probe document posted to ``/_emulator/probes``::

    {"path": "/rest/branch-permissions/latest/projects/PRJ/restrictions",
     "match": {"method": "DELETE", "path": "/rest/branch-permissions/latest/projects/PRJ/restrictions/"},
     "count": 1}

``match`` is required (method exact, path prefix, as for faults); ``count`` (optional) limits how
many requests the probe reads for.
"""

from __future__ import annotations

from .faults import FaultError, _int, _parse_match


class Probe:
    def __init__(self, probe_id, path, match, remaining):
        self.id = probe_id
        self.path = path
        self.match = match
        self.remaining = remaining
        self.captured = []

    def applies_to(self, method, paths):
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.match["method"] and self.match["method"] != method:
            return False
        prefix = self.match["path"]
        return not prefix or any(path.startswith(prefix) for path in paths)

    def to_json(self):
        return {"id": self.id, "path": self.path, "match": self.match, "remaining": self.remaining, "captured": list(self.captured)}


class ProbeSet:
    """All probes. Not thread-safe by itself: the application calls it under its lock."""

    def __init__(self):
        self.probes = []
        self._next_id = 1

    def clear(self):
        self.probes = []

    def to_json(self):
        return {"probes": [probe.to_json() for probe in self.probes]}

    def add(self, document):
        if not isinstance(document, dict) or set(document) - {"path", "match", "count"}:
            raise FaultError("a probe is an object with 'path', 'match' and optionally 'count'")
        path = document.get("path")
        if not isinstance(path, str) or not path.startswith("/rest/"):
            raise FaultError("probe.path must be a /rest/... path to read")
        match = _parse_match(document.get("match"))
        if match is None or not (match["method"] or match["path"]):
            raise FaultError("probe.match must name a method or a path prefix")
        count = document.get("count")
        probe = Probe(self._next_id, path, match, _int(count, "probe.count", 1) if count is not None else None)
        self._next_id += 1
        self.probes.append(probe)
        return probe

    def due(self, method, paths):
        """The probes that read before this request; each is consumed once."""
        due = [probe for probe in self.probes if probe.applies_to(method, paths)]
        for probe in due:
            if probe.remaining is not None:
                probe.remaining -= 1
        return due
