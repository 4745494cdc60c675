"""Injected faults for reliability tests (DESIGN "The emulator": latency, 429 with Retry-After,
5xx rate, write-then-fail where the change lands but the answer is a 500).

A fault document posted to ``/_emulator/faults`` may hold several kinds at once::

    {"latency_ms": 50}
    {"rate_limit": {"count": 2, "retry_after": 1}}
    {"error": {"count": 1, "status": 503}}
    {"error": {"rate": 0.2, "status": 502, "seed": 7}}
    {"write_then_fail": {"count": 1}}
    {"error": {"rate": 0.2, "statuses": [500, 502, 503, 504], "seed": 7}}
    {"rate_limit": {"rate": 0.1, "retry_after": 0, "seed": 8}}
    {"write_then_fail": {"rate": 0.1, "statuses": [500, 502], "seed": 9}}

Each fault may carry ``"match": {"method": "POST", "path": "/rest/api/latest/projects"}`` (method
exact, path prefix); a top-level ``match`` applies to every fault of the document that has none.
Counted faults fire that many times and then stop. A ``rate`` (0 to 1) makes a fault hit that share of
the requests it matches, drawn from a generator seeded with ``seed`` so that a run is reproducible; with a
``count`` too, it stops after that many hits. ``statuses`` (instead of ``status``) picks each answer's
status from the list with the same generator.
"""

from __future__ import annotations

import random

from .errors import RATE_LIMIT_EXCEPTION, SERVICE_EXCEPTION, error_body

WRITE_METHODS = frozenset(("POST", "PUT", "DELETE", "PATCH"))


class FaultError(ValueError):
    """A fault document that cannot be understood (answered 400 by the control API)."""


def _int(value, name, minimum=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FaultError(f"{name} must be an integer >= {minimum}")
    return value


def _parse_match(raw):
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"method", "path"}:
        raise FaultError("match must be an object with optional 'method' and 'path'")
    method = raw.get("method")
    path = raw.get("path")
    if method is not None and not isinstance(method, str):
        raise FaultError("match.method must be a string")
    if path is not None and not isinstance(path, str):
        raise FaultError("match.path must be a string")
    return {"method": method.upper() if method else None, "path": path}


class Fault:
    """One injected fault. ``remaining`` is None for faults without a count (latency, pure rate)."""

    def __init__(self, fault_id, kind, match, remaining=None, **params):
        self.id = fault_id
        self.kind = kind
        self.match = match
        self.remaining = remaining
        self.params = params
        self.fired = 0
        seed = params.get("seed")
        self._rng = random.Random(seed) if params.get("rate") is not None else None

    def applies_to(self, method, paths):
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.kind == "write_then_fail" and method not in WRITE_METHODS:
            return False
        if self.match is None:
            return True
        if self.match["method"] and self.match["method"] != method:
            return False
        prefix = self.match["path"]
        return not prefix or any(path.startswith(prefix) for path in paths)

    def roll(self):
        """For rate-based faults: does this matching request get hit? Deterministic for a given seed."""
        if self._rng is None:
            return True
        return self._rng.random() < self.params["rate"]

    def status(self):
        """The status of this hit: the one given, or one of ``statuses`` (drawn after the roll, from the same generator)."""
        statuses = self.params.get("statuses")
        if not statuses:
            return self.params["status"]
        if self._rng is None:
            return statuses[self.fired % len(statuses)]
        return self._rng.choice(statuses)

    def consume(self):
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1

    def to_json(self):
        body = {"id": self.id, "type": self.kind, "match": self.match, "remaining": self.remaining, "fired": self.fired}
        body.update(self.params)
        return body


class FaultSet:
    """All active faults. Not thread-safe by itself: the application calls it under its lock."""

    def __init__(self):
        self.faults = []
        self._next_id = 1

    def clear(self):
        self.faults = []

    def to_json(self):
        return {"faults": [fault.to_json() for fault in self.faults]}

    def add(self, document):
        """Parse a fault document and add every fault it describes; returns the new faults."""
        if not isinstance(document, dict) or not document:
            raise FaultError("the fault document must be a non-empty JSON object")
        known = {"latency_ms", "rate_limit", "error", "write_then_fail", "match"}
        unknown = set(document) - known
        if unknown:
            raise FaultError(f"unknown fault keys: {', '.join(sorted(unknown))}")
        default_match = _parse_match(document.get("match"))
        new = []
        if "latency_ms" in document:
            new.append(self._make("latency", default_match, None, latency_ms=_int(document["latency_ms"], "latency_ms")))
        for kind in ("rate_limit", "error", "write_then_fail"):
            if kind in document:
                new.append(self._parse_kind(kind, document[kind], default_match))
        if not new:
            raise FaultError("the document describes no fault")
        self.faults.extend(new)
        return new

    def _make(self, kind, match, remaining, **params):
        fault = Fault(self._next_id, kind, match, remaining, **params)
        self._next_id += 1
        return fault

    def _parse_kind(self, kind, spec, default_match):
        if not isinstance(spec, dict):
            raise FaultError(f"{kind} must be an object")
        match = _parse_match(spec["match"]) if "match" in spec else default_match
        rate = spec.get("rate")
        params = {}
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
                raise FaultError(f"{kind}.rate must be a number between 0 and 1")
            seed = spec.get("seed")
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                raise FaultError(f"{kind}.seed must be an integer")
            params.update(rate=rate, seed=seed)
            count = spec.get("count")
            remaining = _int(count, f"{kind}.count", 1) if count is not None else None
        else:
            remaining = _int(spec.get("count", 1), f"{kind}.count", 1)
        if kind == "rate_limit":
            return self._make(kind, match, remaining, retry_after=_int(spec.get("retry_after", 1), "rate_limit.retry_after"), **params)
        if "statuses" in spec:
            statuses = spec["statuses"]
            if not isinstance(statuses, list) or not statuses:
                raise FaultError(f"{kind}.statuses must be a non-empty list of HTTP error statuses")
            params["statuses"] = [self._status(status, kind) for status in statuses]
            params["status"] = params["statuses"][0]
        else:
            params["status"] = self._status(spec.get("status", 500 if kind == "write_then_fail" else 503), kind)
        return self._make(kind, match, remaining, **params)

    @staticmethod
    def _status(value, kind):
        status = _int(value, f"{kind}.status", 400)
        if status > 599:
            raise FaultError(f"{kind}.status must be an HTTP error status (400-599)")
        return status

    # -- evaluation --------------------------------------------------------------

    def latency_ms(self, method, paths):
        """Total injected latency for a request (latency faults never run out)."""
        total = 0
        for fault in self.faults:
            if fault.kind == "latency" and fault.applies_to(method, paths):
                total += fault.params["latency_ms"]
                fault.consume()
        return total

    def take_early_answer(self, method, paths):
        """A 429 or injected error that replaces the request entirely, or None.

        Returns ``(status, headers, body)``; the request is then not applied to the state.
        """
        for fault in self.faults:
            if fault.kind == "rate_limit" and fault.applies_to(method, paths) and fault.roll():
                fault.consume()
                retry_after = fault.params["retry_after"]
                body = error_body(f"Too many requests. Please retry after {retry_after} seconds.", RATE_LIMIT_EXCEPTION)
                return 429, {"Retry-After": str(retry_after)}, body
        for fault in self.faults:
            if fault.kind == "error" and fault.applies_to(method, paths) and fault.roll():
                status = fault.status()
                fault.consume()
                return status, {}, error_body(f"Injected fault: HTTP {status}.", SERVICE_EXCEPTION)
        return None

    def take_write_then_fail(self, method, paths):
        """After a successful write: should its answer be replaced by an error? Returns the status or None."""
        for fault in self.faults:
            if fault.kind == "write_then_fail" and fault.applies_to(method, paths) and fault.roll():
                status = fault.status()
                fault.consume()
                return status
        return None
