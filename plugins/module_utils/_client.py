# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the Bitbucket Data Center REST API.

Internal to the bitbucket.datacenter collection: this module may change at any time
and is not a public API. It has no Ansible imports, so it is unit-tested on its own.

Everything HTTP lives here: URL building, authentication, TLS, timeouts, the two
paging styles, the two error-body styles, the retry policy and the request trace.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import time
import traceback

try:
    from urllib.parse import quote, quote_plus
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules, kept for import sanity
    from urllib import quote, quote_plus  # type: ignore

try:
    import requests

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


USER_AGENT = "bitbucket.datacenter-ansible/1.0.0"  # the version in galaxy.yml (tests/release/test_changelog.py)

# Largest page to ask for; the server caps it and answers with the limit it granted
# (API-MAP 1.5: "server caps limit - read limit back").
MAX_PAGE_LIMIT = 1000

# The longest Retry-After honoured; a longer one fails the request with a clear message.
MAX_RETRY_AFTER_S = 300

# Answers that say the request was not processed, or may be processed on a second try.
# 429: the request was rejected before it ran, so it is safe to repeat for any method.
RATE_LIMITED = 429
# 502/503/504: a gateway or an overloaded node; the request may or may not have run.
RETRYABLE_GATEWAY = frozenset((502, 503, 504))
# A read answered 500 is tried again like a gateway error: it changes nothing, so a second try is safe.
# A write answered 500 is not repeated here: it may have landed (write-then-fail), and its caller reads
# again before writing again (_resource.guarded_write).
RETRYABLE_READ = RETRYABLE_GATEWAY | frozenset((500,))

# Query parameters whose values never appear in a trace or an error message. Bitbucket takes
# some secrets as query parameters (API-MAP Top trap 5: admin user create takes the password).
SECRET_QUERY_KEYS = frozenset(("password", "passwordconfirm", "token", "secret", "client-secret", "license"))
REDACTED = "********"


class BitbucketError(Exception):
    """A failed call to Bitbucket: carries method, path, status and Bitbucket's message.

    ``maybe_applied`` is true when a write failed in a way that does not prove it was
    not applied (a 5xx answer once retries are spent, or a connection lost after sending).
    Callers re-read state before repeating such a write.
    """

    def __init__(self, message, method=None, path=None, status=None, server_message=None, maybe_applied=False, body=None):
        super(BitbucketError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.server_message = server_message
        self.maybe_applied = maybe_applied
        self.body = body

    def __str__(self):
        return self.message

    def details(self):
        """Fields added to a failed task's result, next to ``msg``."""
        return {
            "http_method": self.method,
            "http_path": self.path,
            "http_status": self.status,
            "server_message": self.server_message,
        }


def rest_path(plugin, *segments):
    """Build ``/rest/<plugin>/latest/<segments>`` with every segment URL-encoded.

    API-MAP 1.1: always ``latest``; user slugs, hook keys and logger names carry
    characters such as ``~``, ``.``, ``:`` and ``/`` that must be encoded.
    """
    parts = ["", "rest", plugin, "latest"]
    for segment in segments:
        segment = str(segment)
        if segment in ("", ".", ".."):
            # requests drops dot segments and an empty one turns an item into its collection:
            # ".../repos/.." would address the project itself.
            raise BitbucketError("%r cannot name a Bitbucket resource in a URL path" % segment)
        parts.append(quote(segment, safe=""))
    return "/".join(parts)


# API-MAP 1.3: multipart endpoints (hook-script create and update, avatars) check the XSRF token.
XSRF_HEADER = {"X-Atlassian-Token": "no-check"}
# spec "read" (GET .../hook-scripts/{scriptId}/content) answers application/octet-stream or text/plain.
TEXT_ACCEPT = {"Accept": "text/plain, application/octet-stream, application/json;q=0.5"}


class Response:
    """The parts of an answer that callers use: status, headers, the decoded body and the raw text.

    ``text`` is the answer as text, for the few endpoints that do not answer JSON (hook-script content).
    """

    def __init__(self, status, headers, body, text=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text


def parse_error_message(body, text=""):
    """Bitbucket's message from either error-body style (API-MAP 1.4).

    Core API: ``{"errors": [{"context": ..., "message": ..., "exceptionName": ...}]}``;
    authconfig, basicauth and tsv: ``{"message": ...}``.
    """
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            messages = []
            for error in errors:
                if not isinstance(error, dict):
                    continue
                message = error.get("message") or error.get("exceptionName") or ""
                context = error.get("context")
                if context and message:
                    message = "%s: %s" % (context, message)
                if message:
                    messages.append(message)
            if messages:
                return "; ".join(messages)
        if body.get("message"):
            return str(body["message"])
    text = (text or "").strip()
    return text[:500] if text else None


def redact_query(params):
    """Query parameters as ``[(name, value)]`` with secret values replaced."""
    redacted = []
    for name, value in _query_items(params):
        if str(name).lower() in SECRET_QUERY_KEYS:
            value = REDACTED
        redacted.append((name, value))
    return redacted


def scrub_secrets(text, params):
    """``text`` with the values of secret query parameters masked, raw and URL-encoded.

    requests puts the whole URL, query string included, into a connection error's text.
    """
    for name, value in _query_items(params):
        if str(name).lower() in SECRET_QUERY_KEYS and value not in (None, ""):
            value = str(value)
            # requests encodes a query string the quote_plus way ("a b+c" -> "a+b%2Bc").
            for form in (value, quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="")):
                text = text.replace(form, REDACTED)
    return text


def _query_items(params):
    if not params:
        return []
    items = params.items() if isinstance(params, dict) else params
    flat = []
    for name, value in items:
        if isinstance(value, (list, tuple)):
            flat.extend((name, item) for item in value)
        elif value is not None:
            flat.append((name, value))
    return flat


def _multipart_parts(fields):
    """``[(field, value)]`` as the ``files=`` of requests: every part named, file parts with a file name.

    A plain field goes as ``(None, bytes)``, which requests sends without a file name, so the server
    reads it as a form field; a file part is ``(file name, bytes, content type)``.
    """
    parts = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, content, content_type = value
            parts.append((name, (filename, _to_bytes(content), content_type)))
        else:
            parts.append((name, (None, _to_bytes(value))))
    return parts


def _to_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _may_have_been_sent(exc):
    """Whether a failed request may have reached the server.

    A refused connection, a failed name lookup or a connect timeout prove that nothing was
    sent, so any request may be repeated. A read timeout or a connection dropped mid-answer
    do not: a non-idempotent write may have landed.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.Timeout):
        return True
    cause = repr(exc.args[0]) if exc.args else repr(exc)
    return not any(marker in cause for marker in ("NewConnectionError", "NameResolutionError", "Failed to establish a new connection"))


def _retry_after_seconds(header_value):
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not header_value:
        return None
    header_value = header_value.strip()
    if header_value.isdigit():
        return float(header_value)
    try:
        when = email.utils.parsedate_to_datetime(header_value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class BitbucketClient:
    """One pooled ``requests`` session per module run, against one Bitbucket base URL."""

    def __init__(
        self,
        base_url,
        token=None,
        username=None,
        password=None,
        validate_certs=True,
        ca_path=None,
        timeout=30,
        max_retries=6,
        backoff_base=0.5,
        backoff_max=30.0,
        trace=None,
        session=None,
        sleep=time.sleep,
        jitter=random.random,
    ):
        if not HAS_REQUESTS and session is None:
            raise BitbucketError("The Python library 'requests' is required to talk to Bitbucket")
        self.base_url = (base_url or "").rstrip("/")
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.trace = trace
        self._sleep = sleep
        self._jitter = jitter
        self._server_info = None
        # Successful writes of this run: a task that fails after some of them still changed something.
        self.writes = 0
        self.session = session if session is not None else requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        if token:
            self.session.headers["Authorization"] = "Bearer %s" % token
        elif username is not None:
            self.session.auth = (username, password or "")
        # As ansible.builtin.uri: validate_certs=false wins; ca_path only says which CAs to trust.
        self.session.verify = (ca_path or True) if validate_certs else False
        if not validate_certs and requests is not None:
            # The module warns once, in its result; urllib3 would print one warning per request to stderr.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)

    # -- single requests -------------------------------------------------------------

    def request(self, method, path, params=None, json=None, missing_ok=False, idempotent=None, headers=None, retry_statuses=(), files=None,
                read_only=False):
        """Send one request (with retries) and return a :class:`Response`.

        ``missing_ok``: a 404 returns ``None`` instead of raising, for callers to whom
        404 means "absent". ``idempotent`` overrides the method's default for retries on
        5xx and lost connections: Bitbucket creates access tokens with a PUT, which must
        not be repeated blindly (API-MAP 3.5). ``retry_statuses``: answers that mean "not
        done, try again later" for this one endpoint (the basic-auth PUT's 409 "another
        update in progress", API-MAP 3.11), retried like a 429.

        ``files``: a ``multipart/form-data`` body instead of JSON, as ``[(field, value)]`` where a
        value is a text (a plain form field) or ``(file name, text, content type)`` (a file part).
        The XSRF header goes with it (API-MAP 1.3). The parts are bytes, so a retry after a 429 sends
        them again unchanged; a POST is still not repeated after a 5xx or a lost answer.

        ``read_only``: a POST that changes nothing (the migration previews, seed 003): safe to
        repeat, and not counted as a write.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = read_only or method in ("GET", "HEAD", "PUT", "DELETE")
        url = self.base_url + path
        # verify on every request, not only on the session: requests lets REQUESTS_CA_BUNDLE or
        # CURL_CA_BUNDLE in the environment win over Session.verify (psf/requests#3829), which would
        # silently ignore ca_path wherever those are set (execution environments often set them).
        kwargs = {"params": _query_items(params), "timeout": self.timeout, "verify": self.session.verify}
        request_headers = dict(headers or {})
        if files is not None:
            if json is not None:
                raise BitbucketError("%s %s: a request carries either a JSON body or multipart form data, not both" % (method, path), method=method, path=path)
            kwargs["files"] = _multipart_parts(files)
            request_headers.update(XSRF_HEADER)
        elif json is not None:
            kwargs["json"] = json
        elif method in ("POST", "PUT", "DELETE", "PATCH"):
            # API-MAP 1.3: an explicit empty body, some proxies answer 411 without a length.
            kwargs["data"] = b""
        if request_headers:
            kwargs["headers"] = request_headers

        safe = method in ("GET", "HEAD") or read_only
        attempt = 0
        # Whether an earlier attempt of this request may have run on the server (an ambiguous answer).
        ambiguous = False
        while True:
            started = time.monotonic()
            try:
                raw = self.session.request(method, url, **kwargs)
            except requests.RequestException as exc:
                if isinstance(exc, requests.exceptions.SSLError):
                    raise BitbucketError(
                        "%s %s: TLS verification of %s failed: %s (set ca_path to the CA bundle that signed the server certificate)"
                        % (method, path, self.base_url, scrub_secrets(str(exc), params)),
                        method=method,
                        path=path,
                    ) from exc
                if not isinstance(exc, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)):
                    # Missing schema, invalid URL and the like: retrying cannot help.
                    raise BitbucketError(
                        "%s %s: invalid request to %s: %s" % (method, path, self.base_url, scrub_secrets(str(exc), params)), method=method, path=path
                    ) from exc
                sent = _may_have_been_sent(exc)
                retryable = (not sent) or idempotent
                will_retry = retryable and attempt < self.max_retries
                delay = self._backoff(attempt)
                self._trace(method, path, params, None, started, attempt, delay if will_retry else None, error=type(exc).__name__)
                if will_retry:
                    ambiguous = ambiguous or (sent and not safe)
                    attempt += 1
                    self._sleep(delay)
                    continue
                raise BitbucketError(
                    "%s %s: cannot reach Bitbucket at %s: %s" % (method, path, self.base_url, scrub_secrets(str(exc), params)),
                    method=method,
                    path=path,
                    maybe_applied=sent and method != "GET",
                ) from exc

            status = raw.status_code
            delay = None
            if status == RATE_LIMITED or status in retry_statuses:
                delay = _retry_after_seconds(raw.headers.get("Retry-After"))
                if delay is None:
                    delay = self._backoff(attempt)
                elif delay > MAX_RETRY_AFTER_S:
                    # A wait this long is an outage, not a rate limit: fail now and say so.
                    self._trace(method, path, params, status, started, attempt, None)
                    raise BitbucketError(
                        "%s %s: HTTP 429: Bitbucket asks to wait %d seconds (Retry-After), longer than the %d this client waits"
                        % (method, path, delay, MAX_RETRY_AFTER_S),
                        method=method,
                        path=path,
                        status=status,
                        server_message=parse_error_message(self._decode(raw)),
                    )
            elif (status in RETRYABLE_READ and safe) or (status in RETRYABLE_GATEWAY and idempotent):
                delay = self._backoff(attempt)
            if delay is not None and attempt < self.max_retries:
                self._trace(method, path, params, status, started, attempt, delay)
                ambiguous = ambiguous or (status >= 500 and not safe)
                attempt += 1
                self._sleep(delay)
                continue
            self._trace(method, path, params, status, started, attempt, None)
            if status == 404 and method == "DELETE" and ambiguous:
                # An earlier attempt was answered by a gateway error or lost after it was sent: it removed
                # the object, and what a delete asks for, the object gone, is true.
                self.writes += 1
                return Response(204, raw.headers, None, text="")
            return self._handle(method, path, raw, missing_ok, read_only)

    def _handle(self, method, path, raw, missing_ok, read_only=False):
        status = raw.status_code
        body = self._decode(raw)
        if 200 <= status < 300:
            if method != "GET" and not read_only:
                self.writes += 1
            return Response(status, raw.headers, body, text=self._text(raw))
        if status == 404 and missing_ok:
            return None
        server_message = parse_error_message(body, raw.text if body is None else "")
        reason = server_message or raw.reason or "no message"
        if status == 401:
            reason += " (Bitbucket answers 401 both for bad credentials and for missing permissions)"
        raise BitbucketError(
            "%s %s: HTTP %s: %s" % (method, path, status, reason),
            method=method,
            path=path,
            status=status,
            server_message=server_message,
            maybe_applied=status >= 500 and method != "GET" and not read_only,
            body=body,
        )

    @staticmethod
    def _decode(raw):
        # API-MAP 1.6: many writes answer 204 with no body; never JSON-decode those.
        if raw.status_code == 204 or not raw.content:
            return None
        try:
            return raw.json()
        except ValueError:
            return None

    @staticmethod
    def _text(raw):
        if not raw.content:
            return ""
        # Hook-script content is a script in UTF-8 (spec: text/plain;charset=UTF-8). requests would guess
        # ISO-8859-1 for a text/* answer without a charset, so the bytes are decoded here.
        return raw.content.decode("utf-8", "replace")

    def _backoff(self, attempt):
        # Full jitter: a random wait up to an exponentially growing cap, so that forks
        # hitting one rate limit do not retry in lockstep.
        cap = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        return cap * self._jitter()

    def _trace(self, method, path, params, status, started, attempt, retry_in, error=None):
        if self.trace is None:
            return
        entry = {
            "method": method,
            "path": path,
            "query": redact_query(params),
            "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000.0, 1),
            "attempt": attempt + 1,
        }
        if retry_in is not None:
            entry["retry_in_s"] = round(retry_in, 3)
        if error:
            entry["error"] = error
        self.trace(entry)

    # -- conveniences ----------------------------------------------------------------

    def get(self, path, params=None, missing_ok=False):
        """The decoded body of a GET, or ``None`` for a 404 when ``missing_ok``."""
        response = self.request("GET", path, params=params, missing_ok=missing_ok)
        return None if response is None else response.body

    def get_text(self, path, params=None, missing_ok=False):
        """The text of a GET that does not answer JSON (hook-script content, the Mesh control-plane PEM), or
        ``None`` for a 404 when ``missing_ok``. Bitbucket answers such a resource only to an ``Accept`` that allows it."""
        response = self.request("GET", path, params=params, missing_ok=missing_ok, headers=TEXT_ACCEPT)
        return None if response is None else response.text

    def post(self, path, json=None, params=None, missing_ok=False, idempotent=None, files=None, read_only=False):
        return self.request("POST", path, params=params, json=json, missing_ok=missing_ok, idempotent=idempotent, files=files, read_only=read_only)

    def put(self, path, json=None, params=None, missing_ok=False, idempotent=None, files=None):
        return self.request("PUT", path, params=params, json=json, missing_ok=missing_ok, idempotent=idempotent, files=files)

    def patch(self, path, json=None, params=None, missing_ok=False, idempotent=True):
        # A PATCH that sets properties to values may be repeated (authconfig updateIdp, updateConfig).
        return self.request("PATCH", path, params=params, json=json, missing_ok=missing_ok, idempotent=idempotent)

    def delete(self, path, params=None, missing_ok=False):
        return self.request("DELETE", path, params=params, missing_ok=missing_ok)

    def pause(self, seconds):
        """Wait between two polls of something Bitbucket does in the background (a job, a repository being created or deleted)."""
        self._sleep(seconds)

    def get_paged(self, path, params=None, missing_ok=False, limit=MAX_PAGE_LIMIT):
        """Every ``values`` item of a standard Bitbucket page (API-MAP 1.5).

        Follows ``nextPageStart`` until ``isLastPage``; the next start is not necessarily
        ``start + size``. Returns ``None`` for a 404 when ``missing_ok``.
        """
        query = dict(params or {})
        start = 0
        items = []
        while True:
            query.update(start=start, limit=limit)
            page = self.get(path, params=query, missing_ok=missing_ok)
            if page is None and missing_ok:
                return None
            if isinstance(page, list):
                # API-MAP 1.5 "bare list" endpoints: accept a JSON array as the whole result.
                return items + page
            if not isinstance(page, dict) or not isinstance(page.get("values"), list):
                raise BitbucketError("GET %s: expected a page with 'values', got %s" % (path, type(page).__name__), method="GET", path=path)
            items.extend(page["values"])
            if page.get("isLastPage", True):
                return items
            next_start = page.get("nextPageStart")
            if not isinstance(next_start, int) or next_start <= start:
                raise BitbucketError(
                    "GET %s: the page at start=%s says it is not the last page but gives no usable nextPageStart (%r)" % (path, start, next_start),
                    method="GET",
                    path=path,
                )
            start = next_start

    def get_list(self, path, params=None, missing_ok=False):
        """Every item of a list that is documented as a bare JSON array, read without paging parameters.

        API-MAP 1.5: some lists are declared as arrays (default-reviewer conditions) where other
        servers may page them; an answer that is a standard page is followed to its end.
        Returns ``None`` for a 404 when ``missing_ok``.
        """
        body = self.get(path, params=params, missing_ok=missing_ok)
        if body is None and missing_ok:
            return None
        if isinstance(body, list):
            return body
        if isinstance(body, dict) and isinstance(body.get("values"), list):
            if body.get("isLastPage", True):
                return list(body["values"])
            return self.get_paged(path, params=params)
        raise BitbucketError("GET %s: expected a list, got %s" % (path, type(body).__name__), method="GET", path=path)

    def get_results(self, path, params=None):
        """Every ``results`` item of an authconfig page (API-MAP 1.5): ``limit=-1`` asks for all."""
        query = dict(params or {})
        start = 0
        items = []
        while True:
            query.update(start=start, limit=-1)
            page = self.get(path, params=query)
            if isinstance(page, list):
                return items + page
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise BitbucketError("GET %s: expected a page with 'results'" % path, method="GET", path=path)
            items.extend(page["results"])
            size = len(page["results"])
            if page.get("isLastPage", True):
                return items
            if size == 0:
                raise BitbucketError("GET %s: a page that is not the last one holds no results" % path, method="GET", path=path)
            start += size

    def server_info(self):
        """``GET /rest/api/latest/application-properties``, read once per run (API-MAP 1.7)."""
        if self._server_info is None:
            self._server_info = self.get(rest_path("api", "application-properties")) or {}
        return self._server_info

    def server_version(self):
        """The server version as a tuple of ints, e.g. ``(9, 4, 0)``."""
        version = str(self.server_info().get("version", "0"))
        numbers = []
        for part in version.split("."):
            # Leading digits only: "0-rc2" is 0, a pre-release suffix is not part of the number.
            digits = ""
            for char in part:
                if not char.isdigit():
                    break
                digits += char
            numbers.append(int(digits) if digits else 0)
        return tuple(numbers)

    def close(self):
        self.session.close()
