"""Helpers of the onboarding tests (faults at scale, forks): set-up through the REST API, and the end state
read back through the REST API as a plain structure, to compare with the declared one."""

import base64
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

from conftest import emulator_call

AUTOMATION_PASSWORD = "Onb0arding-automation-pw"
ADMIN = "Basic " + base64.b64encode(b"admin:admin").decode()
USERS = ("automation", "dev-a", "dev-b")
GROUPS = ("developers", "auditors")


def rest(url, method="GET", query=None, body=None):
    """One REST call as the seeded administrator; the decoded answer."""
    if query:
        url += "?" + urllib.parse.urlencode(query, doseq=True)
    data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
    headers = {"Authorization": ADMIN, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def values(url, query=None):
    """Every item of a paged list (one page is enough here: the server allows 1000)."""
    page = rest(url, query=dict(query or {}, limit=1000))
    assert page["isLastPage"], url
    return page["values"]


def prepare(emulator_url):
    """A fresh emulator with the automation user (ADMIN), two developers and two groups."""
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    admin = emulator_url + "/rest/api/latest/admin"
    for name in USERS:
        rest(admin + "/users", "POST", {"name": name, "displayName": name, "emailAddress": name + "@example.com", "password": AUTOMATION_PASSWORD})
    rest(admin + "/permissions/users", "PUT", {"name": "automation", "permission": "ADMIN"})
    for group in GROUPS:
        rest(admin + "/groups", "POST", {"name": group})


def public_keys(directory, count):
    """``count`` new ed25519 public keys, made by ssh-keygen."""
    keys = []
    for number in range(count):
        path = os.path.join(directory, "deploy-%d" % number)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy-%d" % number, "-f", path], check=True)
        with open(path + ".pub", encoding="utf-8") as handle:
            keys.append(handle.read().strip())
    return keys


def project_state(emulator_url, key):
    """What a project holds, as read through the REST API: every list sorted, ids left out."""
    api = emulator_url + "/rest/api/latest/projects/" + key
    restrictions = values(emulator_url + "/rest/branch-permissions/latest/projects/%s/restrictions" % key)
    return {
        "repositories": sorted(repo["slug"] for repo in values(api + "/repos")),
        "users": sorted((grant["user"]["name"], grant["permission"]) for grant in values(api + "/permissions/users")),
        "groups": sorted((grant["group"]["name"], grant["permission"]) for grant in values(api + "/permissions/groups")),
        "default": sorted(level for level in ("PROJECT_READ", "PROJECT_WRITE") if rest(api + "/permissions/%s/all" % level)["permitted"]),
        "api_users": sorted((grant["user"]["name"], grant["permission"]) for grant in values(api + "/repos/api/permissions/users")),
        "api_groups": sorted((grant["group"]["name"], grant["permission"]) for grant in values(api + "/repos/api/permissions/groups")),
        "restrictions": sorted(
            (item["type"], item["matcher"]["id"], sorted(user["name"] for user in item.get("users", []))) for item in restrictions
        ),
        "keys": sorted((" ".join(item["key"]["text"].split()[:2]), item["key"].get("label"), item["permission"])
                       for item in values(emulator_url + "/rest/keys/latest/projects/%s/ssh" % key)),
        "tokens": sorted((token["name"], sorted(token["permissions"])) for token in values(emulator_url + "/rest/access-tokens/latest/projects/" + key)),
    }


def declared_state(public_key, restriction_exempt=("dev-a",)):
    """What the onboarding playbook declares for one project."""
    return {
        "repositories": ["api", "web"],
        "users": [("automation", "PROJECT_ADMIN"), ("dev-a", "PROJECT_WRITE")],
        "groups": [("auditors", "PROJECT_READ"), ("developers", "PROJECT_WRITE")],
        "default": ["PROJECT_READ"],
        "api_users": [("dev-b", "REPO_ADMIN")],
        "api_groups": [("auditors", "REPO_WRITE")],
        "restrictions": sorted([("no-deletes", "refs/heads/main", []), ("pull-request-only", "refs/heads/main", sorted(restriction_exempt))]),
        "keys": [(" ".join(public_key.split()[:2]), "deploy", "PROJECT_READ")],
        "tokens": [("ci", ["PROJECT_READ", "REPO_WRITE"])],
    }


def project_keys(emulator_url):
    return sorted(project["key"] for project in values(emulator_url + "/rest/api/latest/projects"))


__all__ = ["AUTOMATION_PASSWORD", "declared_state", "prepare", "project_keys", "project_state", "public_keys", "rest", "urllib"]
