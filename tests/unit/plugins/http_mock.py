"""A scripted stand-in for ``requests.Session``: the exact calls a scenario must make, in order.

A test lists the calls it expects (:class:`Call`), each with the answer to give: a status, a JSON
body or raw text, headers (``Retry-After``...), or an exception to raise as ``requests`` would
(:func:`connection_refused`, :func:`read_timeout`...). :class:`FakeSession` answers them one by one
and fails on the first call that is unexpected, out of order or extra; :meth:`FakeSession.assert_done`
fails when an expected call was never made. Answers are real :class:`requests.Response` objects, so
``status_code``, ``headers``, ``content``, ``text``, ``json()`` and ``reason`` behave as in production.

In the spirit of community.internal_test_tools' ``fetch_url_module_framework`` (STYLE.md, Tests).
"""

from __future__ import annotations

import contextlib
import http.client
import json as jsonlib
from unittest import mock

import pytest
import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _client as _client_module

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 (the oldest releases of the test matrix)
    from ansible.module_utils import basic as _basic

    @contextlib.contextmanager
    def patch_module_args(args):
        """What ansible-core 2.19's ``patch_module_args`` does, the way earlier releases read module arguments."""
        with mock.patch.object(_basic, "_ANSIBLE_ARGS", jsonlib.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")):
            yield

BASE_URL = "https://bitbucket.example.com"


# The first page every paged read asks for (the client asks for the largest page, API-MAP 1.5).
FIRST_PAGE = [("start", 0), ("limit", 1000)]


def page(values, start=0, next_start=None, limit=1000):
    """A standard Bitbucket page (API-MAP 1.5); ``next_start`` makes it not the last one."""
    body = {"size": len(values), "limit": limit, "start": start, "isLastPage": next_start is None, "values": list(values)}
    if next_start is not None:
        body["nextPageStart"] = next_start
    return body


def errors(message, exception=None, context=None):
    """A RestErrors body with one error (API-MAP 1.4)."""
    return {"errors": [{"context": context, "message": message, "exceptionName": exception}]}


class _Sentinel:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


ANY = _Sentinel("ANY")  # do not check this part of the request
NO_BODY = _Sentinel("NO_BODY")  # the request must carry no JSON body


class UnexpectedCall(AssertionError):
    """The code under test made a call the scenario does not expect (or not in this order)."""


class Call:
    """One expected request and its answer.

    ``query``: ``None`` means no query parameters at all; a dict compares regardless of order; a list
    of ``(name, value)`` pairs compares in order. Values are compared as strings, as they go on the
    wire. ``json``: :data:`NO_BODY` (the default) means no JSON body may be sent.
    ``path`` is what follows the base URL, exactly as sent (percent-encoding included).
    """

    def __init__(self, method, path, query=None, json=NO_BODY, status=200, body=None, text=None, headers=None, reason=None, raises=None):
        self.method = method
        self.path = path
        self.query = query
        self.json = json
        self.status = status
        self.body = body
        self.text = text
        self.headers = headers or {}
        self.reason = reason
        self.raises = raises

    def __repr__(self):
        parts = [self.method, self.path]
        if self.query is not None:
            parts.append("query=%r" % (self.query,))
        if self.json is not NO_BODY:
            parts.append("json=%r" % (self.json,))
        answer = "raise %r" % (self.raises,) if self.raises is not None else "-> %s" % self.status
        return "<Call %s %s>" % (" ".join(parts), answer)


class Recorded:
    """A request the code under test made, with everything it passed."""

    def __init__(self, method, url, path, params, json, data, timeout, headers, extra):
        self.method = method
        self.url = url
        self.path = path
        self.params = params
        self.json = json
        self.data = data
        self.timeout = timeout
        self.headers = headers
        self.extra = extra

    def __repr__(self):
        return "<Recorded %s %s params=%r json=%r data=%r>" % (self.method, self.path, self.params, self.json, self.data)


def _wire_query(query):
    if query is None:
        return []
    items = query.items() if isinstance(query, dict) else query
    return [(str(name), _wire_value(value)) for name, value in items]


def _wire_value(value):
    if isinstance(value, bool):
        return "True" if value else "False"  # what requests would send for a Python bool
    return str(value)


def make_response(status=200, body=None, text=None, headers=None, reason=None, url=None):
    """A real ``requests.Response`` carrying ``body`` as JSON, or ``text`` as it is, or nothing."""
    response = requests.Response()
    response.status_code = status
    response.reason = reason if reason is not None else http.client.responses.get(status, "")
    response.headers = CaseInsensitiveDict(headers or {})
    if body is not None:
        content = jsonlib.dumps(body).encode("utf-8")
        response.headers.setdefault("Content-Type", "application/json;charset=UTF-8")
    elif text is not None:
        content = text.encode("utf-8")
        response.headers.setdefault("Content-Type", "text/html;charset=UTF-8")
    else:
        content = b""
    response.headers.setdefault("Content-Length", str(len(content)))
    response._content = content
    response._content_consumed = True
    response.encoding = "utf-8"
    response.url = url
    return response


class FakeSession:
    """Drop-in for the parts of ``requests.Session`` that the client uses."""

    def __init__(self, calls=(), base_url=BASE_URL):
        self.base_url = base_url.rstrip("/")
        self.headers = CaseInsensitiveDict()
        self.auth = None
        self.verify = True
        self.closed = False
        self.expected = list(calls)
        self.calls = []  # Recorded, in the order made
        self.failures = []  # mismatches, kept in case the code under test swallows the AssertionError

    def expect(self, *calls):
        self.expected.extend(calls)
        return self

    def _fail(self, message):
        self.failures.append(message)
        raise UnexpectedCall(message)

    def request(self, method, url, params=None, data=None, headers=None, json=None, timeout=None, **extra):
        if not url.startswith(self.base_url + "/"):
            self._fail("request to %s, which is not under the base URL %s" % (url, self.base_url))
        path = url[len(self.base_url) :]
        effective_headers = CaseInsensitiveDict(self.headers)
        effective_headers.update(headers or {})
        recorded = Recorded(method, url, path, list(params or []), json, data, timeout, effective_headers, extra)
        self.calls.append(recorded)
        made = "call #%d: %s %s params=%r json=%r" % (len(self.calls), method, path, recorded.params, json)
        if self.closed:
            self._fail("%s after the session was closed" % made)
        if not self.expected:
            self._fail("unexpected extra %s (no more calls expected)" % made)
        call = self.expected[0]
        problems = []
        if method != call.method or path != call.path:
            problems.append("expected %s %s" % (call.method, call.path))
        if call.query is not ANY:
            sent = _wire_query(recorded.params)
            want = _wire_query(call.query)
            if isinstance(call.query, dict):
                sent, want = sorted(sent), sorted(want)
            if sent != want:
                problems.append("query %r, expected %r" % (sent, want))
        if call.json is not ANY:
            if call.json is NO_BODY and json is not None:
                problems.append("a JSON body %r was sent, none expected" % (json,))
            elif call.json is not NO_BODY and json != call.json:
                problems.append("JSON body %r, expected %r" % (json, call.json))
        if problems:
            self._fail("%s does not match the next expected %r: %s" % (made, call, "; ".join(problems)))
        self.expected.pop(0)
        if call.raises is not None:
            raise call.raises
        return make_response(call.status, body=call.body, text=call.text, headers=call.headers, reason=call.reason, url=url)

    def close(self):
        self.closed = True

    def assert_done(self):
        """Every expected call was made and nothing unexpected happened."""
        assert not self.failures, "unexpected HTTP calls: %s" % self.failures
        assert not self.expected, "expected HTTP calls never made: %r (made: %r)" % (self.expected, self.calls)

    @property
    def methods_and_paths(self):
        return [(call.method, call.path) for call in self.calls]


# -- exceptions shaped as requests raises them (checked against real requests 2.x / urllib3 2.x) --------


def _pool(host="bitbucket.example.com", port=443):
    return urllib3.HTTPSConnectionPool(host, port)


def _url_of(path, query=""):
    return path + ("?" + query if query else "")


def connection_refused(path="/", query=""):
    """Nothing was sent: ``[Errno 111] Connection refused`` while connecting."""
    pool = _pool()
    conn = pool.ConnectionCls(pool.host, pool.port)
    reason = NewConnectionError(conn, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(pool, _url_of(path, query), reason))


def connect_timeout(path="/", query=""):
    """Nothing was sent: the TCP connection did not open in time."""
    pool = _pool()
    conn = pool.ConnectionCls(pool.host, pool.port)
    reason = ConnectTimeoutError(conn, "Connection to %s timed out. (connect timeout=30)" % pool.host)
    return requests.ConnectTimeout(MaxRetryError(pool, _url_of(path, query), reason))


def read_timeout():
    """The request was sent; no answer came in time."""
    pool = _pool()
    return requests.ReadTimeout(ReadTimeoutError(pool, None, "Read timed out. (read timeout=30)"))


def connection_reset():
    """The request was sent; the connection dropped before the answer."""
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))


def ssl_error(path="/"):
    pool = _pool()
    reason = requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain")
    return requests.exceptions.SSLError(MaxRetryError(pool, path, reason))


def run_main(module, monkeypatch, capsys, http, args):
    """Run a module's ``main()`` through AnsibleModule with ``http`` as its session.

    Returns the exit code and the JSON the module printed.
    """
    monkeypatch.setattr(_client_module.requests, "Session", lambda: http)
    with patch_module_args(args), pytest.raises(SystemExit) as caught:
        module.main()
    return caught.value.code, jsonlib.loads(capsys.readouterr().out)
