"""Small helpers shared by the REST handlers: routes, request context, paging, JSON bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from .errors import bad_request
from .state import GLOBAL_PERMISSIONS, rank

DEFAULT_PAGE_LIMIT = 25      # spec: "If not passed, a page size of 25 is used."
DEFAULT_MAX_PAGE_LIMIT = 1000


@dataclass(frozen=True)
class Route:
    """One row of the router table.

    ``public``: no authentication needed (spec getApplicationProperties).
    ``token_forbidden``: refused when the caller authenticated with an HTTP access token
    (API-MAP 1.2: a token cannot create tokens or change user accounts).
    ``read_only``: a POST that changes nothing (the migration previews, seed 003: they only "enumerate"
    what a job would select): not counted as a write, and never answered by a write-then-fail fault.
    """

    method: str
    template: str
    handler: Callable
    public: bool = False
    token_forbidden: bool = False
    read_only: bool = False


@dataclass(frozen=True)
class PlainText:
    """A handler's answer that is text, not JSON, sent as it is (spec getControlPlanePublicKey, and the
    "read" of hook-script content, answer text/plain)."""

    text: str
    content_type: str = "text/plain;charset=UTF-8"


def parse_version(text):
    """``"9.4.0"`` -> ``(9, 4, 0)``; a ValueError for anything but dot-separated numbers."""
    parts = str(text).strip().split(".")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"{text!r} is not a Bitbucket version such as 9.4.0")
    numbers = [int(part) for part in parts] + [0] * (3 - len(parts))
    return tuple(numbers)


MULTIPART = "multipart/form-data"


_FORM_CACHE = "bitbucket_emulator.form"


def form_fields(request):
    """The fields of a ``multipart/form-data`` body as ``{name: text}``, file parts read as UTF-8 text.

    Read once and kept on the request, so the request log can record what the handler read.
    """
    cached = request.environ.get(_FORM_CACHE)
    if cached is None:
        cached = dict(request.form.items())
        for name, upload in request.files.items():
            cached[name] = upload.read().decode("utf-8", "replace")
        request.environ[_FORM_CACHE] = cached
    return dict(cached)


def parse_json(raw):
    """Decode a request body; an empty body is None. Raises ValueError on bad JSON."""
    if not raw or not raw.strip():
        return None
    return json.loads(raw.decode("utf-8"))


class RequestContext:
    """What a handler gets: the request, the state, the caller, and paging/body helpers."""

    def __init__(self, app, request, principal):
        self.app = app
        self.request = request
        self.state = app.state
        self.principal = principal

    @property
    def base_url(self):
        """Base of self links, built from the request host (and any context path)."""
        return self.request.host_url.rstrip("/") + self.request.script_root + "/"

    # -- query parameters --------------------------------------------------

    def query(self, name, default=None):
        values = self.request.args.getlist(name)
        return values[0] if values else default

    def query_list(self, name):
        """Every value of a repeatable parameter (API-MAP 3.3: ``name=a&name=b``), blanks dropped."""
        return [value for value in self.request.args.getlist(name) if value.strip()]

    def query_bool(self, name, default):
        value = self.query(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        # spec createUser `notify`: "If present and not false" -- a bare parameter counts as true.
        if lowered in ("true", ""):
            return True
        if lowered == "false":
            return False
        raise bad_request(f"The value '{value}' of '{name}' is not a boolean.", name)

    def required_query(self, name):
        value = self.query(name)
        if value is None or not value.strip():
            raise bad_request(f"The '{name}' query parameter is required.", name)
        return value

    # -- bodies --------------------------------------------------------------

    def json_body(self, required=True):
        """The JSON request body. 400 when it is not valid JSON, or missing while required."""
        try:
            body = parse_json(self.request.get_data(cache=True))
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}") from exc
        if body is None and required:
            raise bad_request("A JSON request body is required.")
        return body

    def json_object(self, required=True):
        body = self.json_body(required=required)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return body

    # -- paging --------------------------------------------------------------

    def page(self, items, transform=None):
        """A standard page (API-MAP 1.5): ``{size, limit, isLastPage, start, values[, nextPageStart]}``.

        The server caps ``limit`` at ``max_page_limit`` and reports the capped value back, so a
        client must read ``limit`` from the answer and follow ``nextPageStart``.
        """
        start = self._int_query("start", 0)
        limit = self._int_query("limit", DEFAULT_PAGE_LIMIT)
        start = max(start, 0)
        limit = min(max(limit, 1), self.app.max_page_limit)
        chunk = items[start:start + limit]
        is_last = start + len(chunk) >= len(items)
        body = {
            "size": len(chunk),
            "limit": limit,
            "isLastPage": is_last,
            "start": start,
            "values": [transform(item) for item in chunk] if transform else list(chunk),
        }
        if not is_last:
            body["nextPageStart"] = start + len(chunk)
        return body

    def _int_query(self, name, default):
        value = self.query(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"The value '{value}' of '{name}' is not a number.", name) from None


def matches_filter(needle, *haystack):
    """API-MAP 1.5: server-side filters are case-insensitive substring matches."""
    if not needle:
        return True
    lowered = needle.lower()
    return any(lowered in (value or "").lower() for value in haystack)


def user_matches(needle, user):
    # spec getUsers_1 / findUsersInGroup: "usernames, display names or email addresses containing the supplied string".
    return matches_filter(needle, user.name, user.display_name, user.email)


def check_global_permission_name(value, context="permission"):
    if value not in GLOBAL_PERMISSIONS:
        raise bad_request(f"'{value}' is not a valid global permission. Valid values: {', '.join(GLOBAL_PERMISSIONS)}.", context)
    return rank(value, GLOBAL_PERMISSIONS)


def empty(status=204):
    """A reply with no body (204 for most writes, 200 for the deprecated membership calls)."""
    return status, None
