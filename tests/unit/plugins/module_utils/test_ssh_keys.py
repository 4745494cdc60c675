"""SSH key identity: parsing, fingerprints (checked against ssh-keygen), and where a conflicting key is used."""

from __future__ import annotations

import base64
import struct

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import (
    check_key_id,
    explain_conflict,
    identity_of,
    locate_key,
    normalise_fingerprint,
    parse_key_items,
    parse_public_key,
    public_view,
)
from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

FIRST_PAGE = [("start", 0), ("limit", 1000)]
KIND_BITS = [("ed25519", None), ("rsa", 2048), ("rsa", 4096), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521)]


def page(*values):
    return {"size": len(values), "limit": 1000, "start": 0, "isLastPage": True, "values": list(values)}


@pytest.mark.parametrize("kind, bits", KIND_BITS)
def test_the_fingerprint_is_the_one_ssh_keygen_prints(kind, bits):
    line = sshkeygen.public_key(kind, "me@host", bits)
    key = parse_public_key(line)
    assert key.ssh_keygen_fingerprint == sshkeygen.ssh_keygen_fingerprint(line)
    assert key.fingerprint == key.ssh_keygen_fingerprint[len("SHA256:"):]  # as Bitbucket shows it: no prefix, no padding
    assert "=" not in key.fingerprint
    assert key.line == line
    assert key.comment == "me@host"


def test_the_comment_and_the_spacing_do_not_identify_a_key():
    line = sshkeygen.cached_key("identity")
    kind, data = line.split()
    one = parse_public_key("%s %s alice@laptop" % (kind, data))
    other = parse_public_key("  %s\t%s   a comment with spaces  " % (kind, data))
    assert one.fingerprint == other.fingerprint
    assert other.comment == "a comment with spaces"
    assert other.line == "%s %s a comment with spaces" % (kind, data)
    assert parse_public_key("%s %s" % (kind, data)).line == "%s %s" % (kind, data)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ('from="10.0.0.1",no-pty ssh-ed25519 AAAA', "looks like authorized_keys options"),
        ("Ssh-Ed25519 AAAA", "not an SSH key type"),
        ("ssh-ed25519", "no key data"),
        ("ssh-ed25519 not*base64", "not valid base64"),
        ("ssh-ed25519 " + base64.b64encode(b"\x00\x00").decode(), "not an SSH public key"),
        ("ssh-rsa " + base64.b64encode(struct.pack(">I", 11) + b"ssh-ed25519" + b"\x00" * 36).decode(), "its key data is a ssh-ed25519 key"),
    ],
)
def test_what_is_not_a_public_key_is_explained(text, words):
    with pytest.raises(ValueError) as caught:
        parse_public_key(text)
    assert words in str(caught.value)


def test_a_server_key_is_identified_by_its_text_or_else_its_fingerprint():
    line = sshkeygen.cached_key("server")
    fingerprint = parse_public_key(line).fingerprint
    assert identity_of({"text": line + " other-comment", "fingerprint": "ignored"}) == fingerprint
    # A server that leaves the text out, or gives it in a form that does not parse: the fingerprint, with or without prefix and padding.
    assert identity_of({"fingerprint": fingerprint}) == fingerprint
    assert identity_of({"text": "ssh-rsa AAAA... me@127.0.0.1", "fingerprint": "SHA256:%s=" % fingerprint}) == fingerprint
    assert identity_of({"label": "no text"}) is None
    assert identity_of(None) is None
    assert normalise_fingerprint(" sha256:abc== ") == "abc"


def test_the_public_view_has_both_fingerprint_forms_and_a_numeric_id():
    line = sshkeygen.cached_key("view")
    view = public_view({"id": "12", "text": line, "label": "x"})
    fingerprint = parse_public_key(line).fingerprint
    assert view == {"id": 12, "text": line, "label": "x", "fingerprint": fingerprint, "fingerprint_sha256": "SHA256:" + fingerprint}


def test_the_keys_option_refuses_a_key_listed_twice_with_another_comment():
    kind, data = sshkeygen.cached_key("twice").split()
    items = [{"key": "%s %s first" % (kind, data)}, {"key": sshkeygen.cached_key("other")}, {"key": "%s %s second" % (kind, data)}]
    with pytest.raises(ModuleFailure) as caught:
        parse_key_items(items)
    assert caught.value.details == {"invalid_option": "keys"}
    assert "items 1 and 3 are the same key" in caught.value.msg
    with pytest.raises(ModuleFailure) as caught:
        parse_key_items([{"key": "ssh-ed25519"}])
    assert caught.value.msg == "Invalid value for option 'keys': item 1: the key holds a key type (ssh-ed25519) but no key data"


# -- where is a key used -------------------------------------------------------------------------


def users(*names):
    return Call("GET", "/rest/api/latest/users", query=FIRST_PAGE, body=page(*({"name": name, "slug": name} for name in names)))


def user_keys(name, *keys, status=200):
    body = page(*keys) if status == 200 else {"errors": [{"context": None, "message": "not permitted", "exceptionName": None}]}
    return Call("GET", "/rest/ssh/latest/keys", query=[("userName", name), ("start", 0), ("limit", 1000)], status=status, body=body)


def projects(*keys):
    return Call("GET", "/rest/api/latest/projects", query=FIRST_PAGE, body=page(*({"key": key} for key in keys)))


def project_keys(project, *entries, status=200):
    return Call("GET", "/rest/keys/latest/projects/%s/ssh" % project, query=FIRST_PAGE, status=status,
                body=page(*entries) if status == 200 else {"errors": [{"context": None, "message": "no", "exceptionName": None}]})


def repos(project, *slugs, status=200):
    return Call("GET", "/rest/api/latest/projects/%s/repos" % project, query=FIRST_PAGE, status=status,
                body=page(*({"slug": slug} for slug in slugs)) if status == 200 else {"errors": [{"context": None, "message": "x", "exceptionName": None}]})


def repo_keys(project, slug, *entries):
    return Call("GET", "/rest/keys/latest/projects/%s/repos/%s/ssh" % (project, slug), query=[("effective", "false"), ("start", 0), ("limit", 1000)],
                body=page(*entries))


def test_a_key_of_another_user_is_found(http, make_client):
    line = sshkeygen.cached_key("bob's")
    http.expect(users("alice", "bob"), user_keys("alice", {"id": 1, "text": sshkeygen.cached_key("alice's")}), user_keys("bob", {"id": 9, "text": line}))
    assert locate_key(make_client(), parse_public_key(line).fingerprint) == "it is an SSH key of user bob (key id 9)"


def test_an_access_key_is_found_when_user_keys_may_not_be_read(http, make_client):
    line = sshkeygen.cached_key("deploy")
    http.expect(
        users("alice", "bob"),
        user_keys("alice", status=401),  # not an administrator: no other user is asked
        projects("PLAT", "WEB"),
        project_keys("PLAT", {"key": {"id": 3, "text": sshkeygen.cached_key("other")}, "permission": "PROJECT_READ"}),
        repos("PLAT", "app"),
        repo_keys("PLAT", "app"),
        project_keys("WEB", status=401),
        repos("WEB", "site"),
        repo_keys("WEB", "site", {"key": {"id": 5, "text": line}, "permission": "REPO_WRITE"}),
    )
    assert locate_key(make_client(), parse_public_key(line).fingerprint) == "it is an access key of repository WEB/site (key id 5, REPO_WRITE)"


def test_a_missing_repository_listing_is_skipped(http, make_client):
    line = sshkeygen.cached_key("project key")
    http.expect(
        users(),
        projects("PLAT", "OPS"),
        project_keys("PLAT"),
        repos("PLAT", status=404),
        project_keys("OPS", {"key": {"id": 4, "fingerprint": parse_public_key(line).fingerprint}, "permission": "PROJECT_WRITE"}),
    )
    assert locate_key(make_client(), parse_public_key(line).fingerprint) == "it is an access key of project OPS (key id 4, PROJECT_WRITE)"


def test_the_search_stops_at_its_budget(http, make_client):
    http.expect(users("a", "b", "c"), user_keys("a"), user_keys("b"))
    assert locate_key(make_client(), "nothing-matches", budget=3) is None


def test_a_conflict_is_explained_with_where_the_key_is_or_with_what_could_not_be_read(http, make_client):
    line = sshkeygen.cached_key("conflict")
    key = parse_public_key(line)
    http.expect(users("carol"), user_keys("carol", {"id": 2, "text": line}))
    exc = explain_conflict(BitbucketError("POST /x: HTTP 409: The SSH key already exists on the system.", status=409), make_client(), key)
    assert str(exc) == (
        "POST /x: HTTP 409: The SSH key already exists on the system. - the key %s is already registered: it is an SSH key of user carol "
        "(key id 2). A key can be registered once, as a user key or as an access key." % key.ssh_keygen_fingerprint
    )
    http.expect(users(), projects())
    unknown = explain_conflict(BitbucketError("POST /x: HTTP 409: exists", status=409), make_client(), key)
    assert "but not as a key these credentials can read" in str(unknown)
    http.expect(users(), projects())
    quiet = explain_conflict(BitbucketError("POST /x: HTTP 400: bad", status=400), make_client(), key, only_if_found=True)
    assert str(quiet) == "POST /x: HTTP 400: bad"


def test_a_server_error_during_the_search_is_not_hidden(http, make_client):
    boom = {"errors": [{"context": None, "message": "boom", "exceptionName": None}]}
    http.expect(Call("GET", "/rest/api/latest/users", query=FIRST_PAGE, status=500, body=boom))
    with pytest.raises(BitbucketError) as caught:
        locate_key(make_client(max_retries=0), "x")
    assert caught.value.status == 500


@pytest.mark.parametrize("key_id", [0, -1, -(10 ** 12), 2 ** 31])
def test_a_key_id_that_cannot_exist_is_refused_naming_the_option(key_id):
    with pytest.raises(ModuleFailure) as caught:
        check_key_id(key_id)
    assert caught.value.details == {"invalid_option": "key_id"}


def test_a_key_id_that_can_exist_passes():
    check_key_id(1)
    check_key_id(None)
