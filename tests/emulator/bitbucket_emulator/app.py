"""The WSGI application: routing, authentication, faults, request log and counters.

Every ``/rest/...`` request goes through ``_handle_rest``:

1. count it and look for an injected fault (latency, 429, 5xx);
2. route it (unknown path: 404, wrong verb: 405, both with a RestErrors body);
3. authenticate it (Basic or Bearer) unless the route is public;
4. run the handler under the state lock; a ``write_then_fail`` fault may then swap a
   successful answer for a 500 after the change has landed;
5. log it for ``GET /_emulator/requests``.

``/_emulator/...`` control requests need no authentication and are neither logged nor counted.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
import time

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from . import controls, rate_limiting
from .errors import (
    AUTHENTICATION_FAILED_MESSAGE,
    AUTHORISATION_EXCEPTION,
    INCORRECT_PASSWORD_EXCEPTION,
    NOT_PERMITTED_MESSAGE,
    SERVICE_EXCEPTION,
    ApiError,
    error_body,
)
from .faults import WRITE_METHODS, FaultSet
from .permissions import LICENSED_RANK, Principal, user_global_rank
from .probes import ProbeSet
from .routes import ROUTES
from .routes import basic_auth
from .state import State, hash_secret
from .web import DEFAULT_MAX_PAGE_LIMIT, MULTIPART, PlainText, RequestContext, form_fields, parse_json, parse_version

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
# The release whose OpenAPI document the project validates against (../shared/api-docs).
DEFAULT_VERSION = "9.4.0"
_LOGGER = logging.getLogger("bitbucket_emulator")

# API-MAP 1.1: clients also use fixed plugin versions (/rest/api/1.0, /rest/access-tokens/1.0);
# they resolve to the same resources as "latest".
_VERSION_ALIAS = re.compile(r"^/rest/([a-z-]+)/1\.0(/|$)")


class DigitsConverter(BaseConverter):
    """Path segment of digits only, kept as a string (API-MAP 1.8: tokenId is a digit string)."""

    regex = r"\d+"


def _werkzeug_rule(template):
    """Turn ``/api/latest/projects/{projectKey}`` into ``/rest/api/latest/projects/<project_key>``.

    Templates keep the spec's parameter names; handlers receive them in snake_case.
    """
    def convert(match):
        name = re.sub(r"([A-Z])", lambda upper: "_" + upper.group(1).lower(), match.group(1))
        return f"<digits:{name}>" if name == "token_id" else f"<{name}>"
    return "/rest" + re.sub(r"\{(\w+)\}", convert, template)


def _json_response(status, body, headers=None):
    if body is None:
        response = Response(status=status)
    elif isinstance(body, PlainText):
        response = Response(body.text, status=status, content_type=body.content_type)
    else:
        response = Response(json.dumps(body), status=status, content_type=JSON_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class EmulatorApp:
    """Stateful Bitbucket Data Center emulator as a WSGI callable.

    ``max_page_limit`` caps page sizes (tests lower it to force several pages); ``latency_ms``
    delays every REST answer (the CLI's ``--latency-ms``), on top of any injected latency fault.
    """

    def __init__(self, max_page_limit=DEFAULT_MAX_PAGE_LIMIT, latency_ms=0, seed=0, record_path=None, version=DEFAULT_VERSION):
        self.default_max_page_limit = max_page_limit
        # The Bitbucket version the emulator claims (API-MAP 1.7: clients gate features on it). Routes
        # that exist only on some versions ask ``version_at_least``; reset can change it for a test.
        self.default_version = parse_version(version)
        self.version = self.default_version
        # Every request-log entry is also appended here, one JSON line each, and survives
        # resets: the contract step checks every request a whole test run made.
        self.record_path = record_path
        self.max_page_limit = max_page_limit
        self.base_latency_ms = latency_ms
        self.lock = threading.RLock()
        self.state = State(seed=seed)
        self.faults = FaultSet()
        self.probes = ProbeSet()
        self.requests_log = []
        self.counters = {"total": 0, "by_method": {}, "writes": 0}
        self._seq = 0
        self._handlers = {}
        rules = []
        for index, route in enumerate(ROUTES):
            endpoint = f"route{index}"
            self._handlers[endpoint] = route
            rules.append(Rule(_werkzeug_rule(route.template), methods=[route.method], endpoint=endpoint))
        self.url_map = Map(rules, converters={"digits": DigitsConverter}, strict_slashes=False, merge_slashes=False)

    # -- WSGI ------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith("/_emulator/") or request.path == "/_emulator":
            response = controls.handle(self, request)
        elif request.path.startswith("/rest/"):
            response = self._handle_rest(request)
        else:
            response = _json_response(404, error_body(f"No resource found at {request.path}."))
        return response(environ, start_response)

    # -- control helpers (used by controls.py) ---------------------------------

    def reset(self, max_page_limit=None, version=None):
        with self.lock:
            self.state.reset()
            self.faults.clear()
            self.probes.clear()
            self.clear_log()
            self.max_page_limit = max_page_limit or self.default_max_page_limit
            self.version = parse_version(version) if version else self.default_version

    @property
    def version_string(self):
        return ".".join(str(part) for part in self.version)

    def version_at_least(self, *minimum):
        """Whether the claimed version is ``minimum`` or newer, e.g. ``version_at_least(9, 5)``."""
        return self.version >= tuple(minimum)

    def clear_log(self):
        with self.lock:
            self.requests_log = []
            self.counters = {"total": 0, "by_method": {}, "writes": 0}
            self._seq = 0

    # -- REST --------------------------------------------------------------------

    def _handle_rest(self, request):
        started = time.monotonic()
        method = request.method.upper()
        path = _VERSION_ALIAS.sub(r"/rest/\1/latest\2", request.path)
        paths = (request.path, path)
        with self.lock:
            self._seq += 1
            seq = self._seq
            self.counters["total"] += 1
            by_method = self.counters["by_method"]
            by_method[method] = by_method.get(method, 0) + 1
            if method in WRITE_METHODS and not self._is_read_only(method, path):
                self.counters["writes"] += 1
            self.state.tick()
            # Jobs and Mesh node deletions catch up with the emulator's time before anything reads or changes the state.
            self.state.advance_jobs()
            delay_ms = self.base_latency_ms + self.faults.latency_ms(method, paths)
            early = self.faults.take_early_answer(method, paths)
        if delay_ms:
            time.sleep(delay_ms / 1000.0)  # outside the lock, so concurrent requests overlap

        principal = None
        if early is not None:
            status, headers, body = early
        else:
            with self.lock:
                self._run_probes(seq, request, method, paths)
                status, headers, body, principal = self._dispatch(request, method, path, paths)
        response = _json_response(status, body, headers)
        self._log(seq, request, status, body, principal, started)
        return response

    def _is_read_only(self, method, path):
        """Whether the route of a request changes nothing (``Route.read_only``: the migration previews)."""
        try:
            endpoint, _args = self.url_map.bind("emulator", path_info=path, url_scheme="http").match(method=method)
        except (NotFound, MethodNotAllowed):
            return False
        return self._handlers[endpoint].read_only

    def _dispatch(self, request, method, path, paths):
        """Route, authenticate and run one request. Returns (status, headers, body, principal)."""
        adapter = self.url_map.bind("emulator", path_info=path, url_scheme="http")
        try:
            endpoint, path_args = adapter.match(method=method)
        except NotFound:
            return 404, {}, error_body(f"No resource found for {method} {request.path}."), None
        except MethodNotAllowed as exc:
            allowed = sorted(set(exc.valid_methods or ()))
            return 405, {"Allow": ", ".join(allowed)}, error_body(f"Method {method} is not allowed for {request.path}."), None
        route = self._handlers[endpoint]
        principal = None
        with self.lock:
            # Emulator time may have completed a repository's initialisation or deletion (state.settle).
            self.state.settle()
            try:
                principal = self._authenticate(request)
                if principal is None and not route.public:
                    raise ApiError(401, NOT_PERMITTED_MESSAGE, AUTHORISATION_EXCEPTION,
                                   headers={"WWW-Authenticate": 'Basic realm="Atlassian Bitbucket"'})
                if principal is not None:
                    rate_limiting.admit(self.state, principal.user)  # seed 003 rate limits, when enabled
                if route.token_forbidden and principal is not None and principal.token is not None:
                    # API-MAP 1.2: an HTTP access token "can't be used to perform changes on behalf of a user
                    # (for example, create new tokens or update user account details)".
                    raise ApiError(401, "HTTP access tokens cannot be used for this operation; authenticate with a username and password.",
                                   AUTHORISATION_EXCEPTION)
                status, body = route.handler(RequestContext(self, request, principal), **path_args)
            except ApiError as exc:
                return exc.status, exc.headers, exc.body, principal
            except Exception as exc:  # pylint: disable=broad-exception-caught  # an emulator bug must reach the test as a logged 500
                _LOGGER.exception("handler for %s %s failed", method, request.path)
                return 500, {}, error_body(f"Emulator error: {exc!r}", SERVICE_EXCEPTION), principal
            if 200 <= status < 300 and not route.read_only:
                failed = self.faults.take_write_then_fail(method, paths)
                if failed is not None:
                    # The change has landed; only the answer is lost (DESIGN "write-then-fail").
                    return failed, {}, error_body("Injected fault: the change was applied but the response failed.", SERVICE_EXCEPTION), principal
        return status, {}, body, principal

    def _run_probes(self, seq, request, method, paths):
        """Answer each due probe's read with this request's credentials, before the request runs (probes.py)."""
        for probe in self.probes.due(method, paths):
            probe_path, _separator, query = probe.path.partition("?")
            headers = {}
            if request.headers.get("Authorization"):
                headers["Authorization"] = request.headers["Authorization"]
            builder = EnvironBuilder(path=probe_path, method="GET", query_string=query, headers=headers, base_url=request.host_url)
            try:
                probe_request = Request(builder.get_environ())
            finally:
                builder.close()
            status, _headers, body, _principal = self._dispatch(probe_request, "GET", probe_path, (probe_path,))
            probe.captured.append({"before_seq": seq, "before": f"{method} {request.path}", "status": status, "body": body})

    # -- authentication ------------------------------------------------------------

    def _authenticate(self, request):
        """Resolve the caller from the Authorization header; None when there is none.

        Basic auth takes a password, or one of the user's own HTTP access tokens in place of it
        (Atlassian: user tokens also work with Basic; project/repository tokens only as Bearer).
        Bearer takes any token issued by the access-token endpoints. Expired tokens are refused.
        """
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _separator, value = header.strip().partition(" ")
        scheme = scheme.lower()
        value = value.strip()
        state = self.state
        if scheme == "basic":
            try:
                username, _separator, secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise _auth_failed() from None
            user = state.find_user(username)
            if user is None or user.type != "NORMAL" or not user.active:
                raise _auth_failed()
            token = None
            if user.password_hash != hash_secret(secret):
                token = state.find_token_by_secret(secret)
                if token is None or token.owner_kind != "user" or token.user_id != user.id:
                    raise _auth_failed()
                self._check_token_usable(token)
            principal = Principal(user=user, token=token, scheme="basic")
            self._refuse_blocked_basic_auth(request, user)
        elif scheme == "bearer":
            token = state.find_token_by_secret(value)
            if token is None or token.user_id not in state.users:
                raise _auth_failed()
            self._check_token_usable(token)
            principal = Principal(user=state.users[token.user_id], token=token, scheme="bearer")
        else:
            raise _auth_failed()
        acts_as_person = principal.token is None or principal.token.owner_kind == "user"
        if acts_as_person and user_global_rank(state, principal.user) < LICENSED_RANK:
            # spec createUser: a user outside the default group "may not be able to login" until granted permissions.
            raise ApiError(401, f"{principal.user.name} is not permitted to log in: the account is not licensed.", AUTHORISATION_EXCEPTION)
        now = state.now_ms()
        if principal.token is not None:
            principal.token.last_authenticated = now
        else:
            principal.user.last_authenticated = now
        return principal

    def _refuse_blocked_basic_auth(self, request, user):
        # API-MAP 3.11: with block-requests on, Basic requests are refused unless the user or the path
        # is allowed; Bearer tokens are not affected. The /_emulator/ controls never get here.
        refusal = basic_auth.refusal(self.state, user, request.path)
        if refusal is not None:
            raise refusal

    def _check_token_usable(self, token):
        if token.expiry_date is not None and self.state.now_ms() >= token.expiry_date:
            raise ApiError(401, "Authentication failed. The access token has expired.", INCORRECT_PASSWORD_EXCEPTION)

    # -- request log -----------------------------------------------------------------

    def _log(self, seq, request, status, body, principal, started):
        if request.mimetype == MULTIPART:
            # Multipart fields as an object, for the contract's check of the form (hook scripts, API-MAP 3.20).
            request_body = form_fields(request)
        else:
            try:
                request_body = parse_json(request.get_data(cache=True))
            except (ValueError, UnicodeDecodeError):
                request_body = None
        entry = {
            "seq": seq,
            "method": request.method.upper(),
            "path": request.path,
            "query": request.args.to_dict(flat=False),
            "content_type": request.content_type or None,
            "body": request_body,
            "status": status,
            "response": body.text if isinstance(body, PlainText) else body,
            "response_content_type": body.content_type if isinstance(body, PlainText) else (JSON_CONTENT_TYPE if body is not None else None),
            "auth": principal.label if principal is not None else None,
            # Who sent it: seed_coverage.py counts the collection's own requests by this, not the tests' set-up calls.
            "user_agent": request.headers.get("User-Agent"),
            "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
        }
        with self.lock:
            self.requests_log.append(entry)
            if self.record_path:
                with open(self.record_path, "a", encoding="utf-8") as record:
                    record.write(json.dumps(entry) + "\n")


def _auth_failed():
    # Brief / live servers: bad credentials answer 401 with IncorrectPasswordAuthenticationException.
    return ApiError(401, AUTHENTICATION_FAILED_MESSAGE, INCORRECT_PASSWORD_EXCEPTION)


def create_app(max_page_limit=DEFAULT_MAX_PAGE_LIMIT, latency_ms=0, seed=0, record_path=None, version=DEFAULT_VERSION):
    """Build a fresh emulator (seeded with the ``admin``/``admin`` system administrator)."""
    return EmulatorApp(max_page_limit=max_page_limit, latency_ms=latency_ms, seed=seed, record_path=record_path, version=version)
