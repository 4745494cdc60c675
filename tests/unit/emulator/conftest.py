"""Fixtures for the emulator tests: a fresh app per test, driven through werkzeug's test client (no sockets)."""

from __future__ import annotations

import base64
import os
import sys

import pytest

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator"))
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

from werkzeug.test import Client  # noqa: E402

from bitbucket_emulator import create_app  # noqa: E402

ADMIN = ("admin", "admin")
BASE_URL = "http://bitbucket.test:7990"


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class Api:
    """Thin wrapper over the test client with the set-up calls most tests need.

    ``auth`` is a (user, password) pair for Basic auth, or None to send no credentials; pass
    ``headers=api.bearer(secret)`` with ``auth=None`` to authenticate with an access token.
    """

    def __init__(self, client):
        self.client = client

    @staticmethod
    def basic(user, password):
        return basic(user, password)

    @staticmethod
    def bearer(secret):
        return {"Authorization": f"Bearer {secret}"}

    def call(self, method, path, auth=ADMIN, headers=None, **kwargs):
        all_headers = dict(headers or {})
        if auth is not None:
            all_headers.update(basic(*auth))
        return self.client.open(path, method=method, headers=all_headers, base_url=BASE_URL, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    # -- set-up helpers ------------------------------------------------------------------

    def make_user(self, name, password="secret", default_group=True):
        response = self.post(
            "/rest/api/latest/admin/users",
            query_string={
                "name": name,
                "displayName": name.title(),
                "emailAddress": f"{name}@example.com",
                "password": password,
                "addToDefaultGroup": "true" if default_group else "false",
            },
        )
        assert response.status_code == 204, response.get_data(as_text=True)
        return (name, password)

    def grant_global(self, name, permission):
        response = self.put("/rest/api/latest/admin/permissions/users", query_string={"name": name, "permission": permission})
        assert response.status_code == 204, response.get_data(as_text=True)

    def make_project(self, key, name=None, auth=ADMIN, **fields):
        body = {"key": key, "name": name or f"Project {key}", **fields}
        response = self.post("/rest/api/latest/projects", json=body, auth=auth)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.json

    def grant_project(self, key, name, permission, auth=ADMIN):
        response = self.put(f"/rest/api/latest/projects/{key}/permissions/users", query_string={"name": name, "permission": permission}, auth=auth)
        assert response.status_code == 204, response.get_data(as_text=True)

    def make_repo(self, key, name, auth=ADMIN, **fields):
        """Create a repository through the REST API (its slug is derived from ``name``)."""
        response = self.post(f"/rest/api/latest/projects/{key}/repos", json={"name": name, "scmId": "git", **fields}, auth=auth)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.json

    def delete_repo(self, key, slug, auth=ADMIN):
        """Delete a repository through the REST API (202, scheduled), and read it once so the deletion completes."""
        path = f"/rest/api/latest/projects/{key}/repos/{slug}"
        response = self.delete(path, auth=auth)
        assert response.status_code in (202, 204), response.get_data(as_text=True)
        self.get(path, auth=auth)

    def advance_clock(self, ms):
        """Move emulator time on, e.g. past a repository's initialisation or scheduled deletion."""
        response = self.client.post("/_emulator/clock", json={"advance_ms": ms})
        assert response.status_code == 200, response.get_data(as_text=True)

    def make_token(self, owner_path, permissions, name="ci", auth=ADMIN, **fields):
        body = {"name": name, "permissions": permissions, **fields}
        response = self.put(f"/rest/access-tokens/latest/{owner_path}", json=body, auth=auth)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def api(client):
    return Api(client)


def totp_code(secret, at_ms, digits=6, step=30):
    """RFC 6238 (HMAC-SHA1) written out here, apart from the emulator's, so each checks the other."""
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", (at_ms // 1000) // step), hashlib.sha1).digest()
    offset = digest[19] & 0xF
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return "%0*d" % (digits, value)
