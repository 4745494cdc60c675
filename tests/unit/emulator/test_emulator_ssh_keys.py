"""User SSH keys and the SSH settings (API-MAP 3.7, section 4; seeds 000/001)."""

from __future__ import annotations

import base64
import struct

import pytest

from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen

SSH = "/rest/ssh/latest"


def add(api, line, auth=("admin", "admin"), **query):
    return api.post(f"{SSH}/keys", json={"text": line}, auth=auth, query_string=query or None)


@pytest.mark.parametrize(
    "kind, bits, algorithm, bit_length",
    [("ed25519", None, "ED25519", 256), ("rsa", 2048, "RSA", 2048), ("rsa", 3072, "RSA", 3072),
     ("ecdsa", 256, "ECDSA", 256), ("ecdsa", 384, "ECDSA", 384), ("ecdsa", 521, "ECDSA", 521)],
)
def test_fingerprint_and_length_are_computed_from_the_key(api, kind, bits, algorithm, bit_length):
    line = sshkeygen.public_key(kind, "me@host", bits)
    response = add(api, line)
    assert response.status_code == 201
    key = response.json
    # The same fingerprint as OpenSSH's own tool, without its "SHA256:" prefix (spec RestSshKey example).
    assert key["fingerprint"] == sshkeygen.ssh_keygen_fingerprint(line).split(":", 1)[1]
    assert (key["algorithmType"], key["bitLength"]) == (algorithm, bit_length)
    assert key["text"] == line
    assert isinstance(key["createdDate"], int)


def test_the_label_defaults_to_the_comment(api):
    with_comment = add(api, sshkeygen.public_key("ed25519", "alice@laptop")).json
    assert with_comment["label"] == "alice@laptop"
    labelled = api.post(f"{SSH}/keys", json={"text": sshkeygen.public_key("ed25519", "c"), "label": "work", "expiryDays": 7}).json
    assert (labelled["label"], labelled["expiryDays"]) == ("work", 7)
    bare = add(api, sshkeygen.public_key("ed25519")).json
    assert "label" not in bare


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "must be provided"),
        ("ssh-ed25519", "expected '<type> <base64 key data> [comment]'"),
        ("ssh-ed25519 ###", "not valid base64"),
        ("ssh-foo AAAA", "not supported"),
        ("sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t", "not supported"),
        ("ssh-ed25519 " + base64.b64encode(struct.pack(">I", 7) + b"ssh-rsa").decode(), "does not hold a ssh-ed25519 key"),
        ("ssh-ed25519 " + base64.b64encode(struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 3) + b"abc").decode(), "32 bytes"),
    ],
)
def test_malformed_and_unsupported_keys_are_400(api, text, words):
    response = api.post(f"{SSH}/keys", json={"text": text})
    assert response.status_code == 400
    assert words in response.json["errors"][0]["message"]
    assert response.json["errors"][0]["context"] == "text"


def test_short_rsa_keys_are_refused(api):
    response = add(api, sshkeygen.public_key("rsa", "", 1024))
    assert response.status_code == 400
    assert "at least 2048 bits" in response.json["errors"][0]["message"]


def test_trailing_bytes_are_refused(api):
    kind, data = sshkeygen.public_key("ed25519").split()
    padded = base64.b64encode(base64.b64decode(data) + b"\0").decode()
    assert add(api, f"{kind} {padded}").status_code == 400


def test_one_key_per_system(api):
    api.make_user("alice", "alice-pw")
    line = sshkeygen.public_key("ed25519", "shared")
    assert add(api, line, auth=("alice", "alice-pw")).status_code == 201
    # Another comment does not make another key: the type and the data identify it.
    again = add(api, line.rsplit(" ", 1)[0] + " other-comment")
    assert again.status_code == 409
    assert again.json["errors"][0]["message"] == "The SSH key already exists on the system."


def test_post_takes_user_and_get_and_delete_take_user_name(api):
    api.make_user("bob", "bob-pw")
    assert add(api, sshkeygen.public_key("ed25519", "for-bob"), user="bob").status_code == 201
    # API-MAP 3.7: POST reads `user` only; a userName adds the key to the caller.
    assert add(api, sshkeygen.public_key("ed25519", "for-admin"), userName="bob").status_code == 201
    bobs = api.get(f"{SSH}/keys", query_string={"userName": "bob"}).json["values"]
    assert [key["label"] for key in bobs] == ["for-bob"]
    mine = api.get(f"{SSH}/keys").json["values"]
    assert [key["label"] for key in mine] == ["for-admin"]


def test_a_bare_delete_removes_every_key_of_the_caller(api):
    api.make_user("bob", "bob-pw")
    add(api, sshkeygen.public_key("ed25519", "bob"), user="bob")
    add(api, sshkeygen.public_key("ed25519", "admin-1"))
    add(api, sshkeygen.public_key("ed25519", "admin-2"))
    assert api.delete(f"{SSH}/keys").status_code == 204
    assert api.get(f"{SSH}/keys").json["values"] == []
    assert len(api.get(f"{SSH}/keys", query_string={"userName": "bob"}).json["values"]) == 1


def test_other_users_keys_need_admin_and_single_key_calls_need_admin(api):
    api.make_user("carol", "carol-pw")
    api.make_user("dave", "dave-pw")
    carol = ("carol", "carol-pw")
    own = add(api, sshkeygen.public_key("ed25519", "c"), auth=carol).json
    assert api.get(f"{SSH}/keys", auth=carol).json["size"] == 1
    assert api.get(f"{SSH}/keys", query_string={"userName": "dave"}, auth=carol).status_code == 401
    assert add(api, sshkeygen.public_key("ed25519"), auth=carol, user="dave").status_code == 401
    assert api.delete(f"{SSH}/keys", query_string={"userName": "dave"}, auth=carol).status_code == 401
    # spec getSshKey / deleteSshKey: ADMIN, even for the caller's own key.
    assert api.get(f"{SSH}/keys/{own['id']}", auth=carol).status_code == 401
    assert api.delete(f"{SSH}/keys/{own['id']}", auth=carol).status_code == 401
    assert api.get(f"{SSH}/keys/{own['id']}").json["id"] == own["id"]


def test_delete_by_id_is_204_also_when_absent(api):
    key = add(api, sshkeygen.public_key("ed25519")).json
    assert api.delete(f"{SSH}/keys/{key['id']}").status_code == 204
    assert api.delete(f"{SSH}/keys/{key['id']}").status_code == 204
    assert api.get(f"{SSH}/keys/{key['id']}").status_code == 404
    assert api.get(f"{SSH}/keys/not-a-number").status_code == 404


def test_keys_of_a_deleted_user_are_gone_and_free_again(api):
    api.make_user("erin", "erin-pw")
    line = sshkeygen.public_key("ed25519", "erin")
    add(api, line, user="erin")
    assert api.delete("/rest/api/latest/admin/users", query_string={"name": "erin"}).status_code == 200
    assert add(api, line).status_code == 201


def test_keys_are_paged(api):
    for index in range(3):
        add(api, sshkeygen.public_key("ed25519", f"k{index}"))
    first = api.get(f"{SSH}/keys", query_string={"limit": 2}).json
    assert (first["size"], first["isLastPage"], first["nextPageStart"]) == (2, False, 2)
    second = api.get(f"{SSH}/keys", query_string={"start": 2, "limit": 2}).json
    assert (second["size"], second["isLastPage"]) == (1, True)


def test_ssh_settings_and_their_control(api, client):
    settings = api.get(f"{SSH}/settings").json
    assert settings["enabled"] is True and settings["accessKeysEnabled"] is True
    assert settings["baseUrl"] == "ssh://git@bitbucket.test:7999"
    assert settings["fingerprint"]["algorithm"] == "SHA256"
    assert len(settings["fingerprint"]["value"]) == 43  # unpadded base64 of 32 bytes
    changed = client.post("/_emulator/ssh", json={"access_keys_enabled": False, "port": 2222, "base_url": "ssh://git@scm.example.com:2222"})
    assert changed.status_code == 200
    settings = api.get(f"{SSH}/settings").json
    assert (settings["accessKeysEnabled"], settings["port"], settings["baseUrl"]) == (False, 2222, "ssh://git@scm.example.com:2222")
    client.post("/_emulator/ssh", json={"enabled": False})
    assert api.get(f"{SSH}/settings").json == {"enabled": False, "accessKeysEnabled": False}
    client.post("/_emulator/reset")
    assert api.get(f"{SSH}/settings").json["accessKeysEnabled"] is True


@pytest.mark.parametrize("body", [{"enabled": "yes"}, {"port": True}, {"port": 0}, {"colour": "blue"}, {}])
def test_the_ssh_control_refuses_bad_bodies(client, body):
    assert client.post("/_emulator/ssh", json=body).status_code == 400


def test_the_state_dump_lists_keys_without_their_text(api, client):
    add(api, sshkeygen.public_key("ed25519", "dumped"))
    dump = client.get("/_emulator/state").json
    assert [(key["label"], key["user"]) for key in dump["ssh_keys"]] == [("dumped", "admin")]
    assert "text" not in dump["ssh_keys"][0]
    assert dump["ssh_settings"]["access_keys_enabled"] is True
