# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options shared by every module: one table, three views.

Internal to the bitbucket.datacenter collection: this module may change at any time.

``CONNECTION_OPTIONS`` is the single source of the argument spec (with its environment
fallbacks), of the ``bitbucket.datacenter.connection`` doc fragment, and of the client
built for a run. The "a token or a username and password" rule is declared here once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketClient

# name -> (argument spec, environment variable, description as a list of lines)
CONNECTION_OPTIONS = {
    "url": (
        dict(type="str", required=True),
        "BITBUCKET_URL",
        [
            "Base URL of Bitbucket Data Center, with the context path if it has one, for example C(https://bitbucket.example.com/bitbucket).",
            "The REST paths (C(/rest/...)) are added to it.",
        ],
    ),
    "token": (
        dict(type="str", no_log=True),
        "BITBUCKET_TOKEN",
        [
            "HTTP access token, sent as C(Authorization: Bearer). Mutually exclusive with O(username) and O(password).",
            "Bitbucket does not let an access token create access tokens or change user accounts; use O(username) and O(password) for those.",
        ],
    ),
    "username": (
        dict(type="str"),
        "BITBUCKET_USERNAME",
        ["User name for HTTP basic authentication. Requires O(password)."],
    ),
    "password": (
        dict(type="str", no_log=True),
        "BITBUCKET_PASSWORD",
        ["Password for HTTP basic authentication. Requires O(username)."],
    ),
    "validate_certs": (
        dict(type="bool", default=True),
        "BITBUCKET_VALIDATE_CERTS",
        ["Whether to verify the server's TLS certificate.", "Leave it on outside of throw-away test instances; use O(ca_path) for a private CA."],
    ),
    "ca_path": (
        dict(type="path"),
        "BITBUCKET_CA_PATH",
        ["Path to a PEM bundle of CA certificates that verifies the server certificate."],
    ),
    "timeout": (
        dict(type="int", default=30),
        "BITBUCKET_TIMEOUT",
        ["Seconds to wait for Bitbucket to connect and to answer one request."],
    ),
}

# "A token or a username/password", enforced once for all modules.
MUTUALLY_EXCLUSIVE = [("token", "username"), ("token", "password")]
REQUIRED_TOGETHER = [("username", "password")]
REQUIRED_ONE_OF = [("token", "username")]


def connection_argument_spec():
    """The connection part of every module's argument spec, env fallbacks included."""
    spec = {}
    for name, (option, env_var, _description) in CONNECTION_OPTIONS.items():
        option = dict(option)
        option["fallback"] = (env_fallback, [env_var])
        spec[name] = option
    return spec


def _yaml_scalar(text):
    return "'%s'" % text.replace("'", "''")


def connection_doc_fragment():
    """The DOCUMENTATION of the ``connection`` doc fragment, rendered from the table."""
    lines = ["options:"]
    for name, (option, env_var, description) in CONNECTION_OPTIONS.items():
        lines.append("  %s:" % name)
        lines.append("    description:")
        lines.extend("      - %s" % _yaml_scalar(sentence) for sentence in description)
        lines.append("      - %s" % _yaml_scalar("If not set, the value of the E(%s) environment variable is used." % env_var))
        lines.append("    type: %s" % option["type"])
        if option.get("required"):
            lines.append("    required: true")
        if "default" in option:
            default = option["default"]
            lines.append("    default: %s" % (str(default).lower() if isinstance(default, bool) else default))
    lines.append("notes:")
    lines.append("  - %s" % _yaml_scalar("Authenticate with O(token), or with O(username) and O(password); there are no default credentials."))
    lines.append("  - %s" % _yaml_scalar("Set the connection once for a play or block with C(module_defaults) and C(group/bitbucket.datacenter.bitbucket)."))
    lines.append("  - %s" % _yaml_scalar("When the task's connection is local, the module runs inside the Ansible worker process."))
    lines.append("  - %s" % _yaml_scalar("Set the variable C(bitbucket_datacenter_in_process=false) to run it as an ordinary module instead."))
    return "\n".join(lines) + "\n"


def client_from_params(params, trace=None):
    """A client for the run, built from validated connection parameters."""
    return BitbucketClient(
        params["url"],
        token=params.get("token"),
        username=params.get("username"),
        password=params.get("password"),
        validate_certs=params.get("validate_certs", True),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout") or 30,
        trace=trace,
    )


def environment_names():
    """The environment variables the connection options read, for documentation and tests."""
    return [env_var for (_option, env_var, _description) in CONNECTION_OPTIONS.values()]
