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

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules, kept for import sanity
    from urlparse import urlsplit  # type: ignore

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

# Credentials: a token, or a username and password. Their environment variables are not
# argument-spec fallbacks but are resolved by resolve_credentials(), so that what a task sets
# wins over the environment as a whole: a task that sets username and password is not refused
# because BITBUCKET_TOKEN is set for the whole job (an AWX credential, say).
CREDENTIAL_OPTIONS = ("token", "username", "password")

# Between options set on the task. The same rules, after the environment is applied, are
# enforced by resolve_credentials(), once for all modules.
MUTUALLY_EXCLUSIVE = [("token", "username"), ("token", "password")]


class ConnectionOptionError(ValueError):
    """A connection option that cannot work, found before any request; ``option`` names it."""

    def __init__(self, message, option):
        super(ConnectionOptionError, self).__init__(message)
        self.option = option


class CredentialsError(ConnectionOptionError):
    """No usable credentials: neither the task nor the environment gives a token or a username and password."""

    def __init__(self, message, option="password"):
        super(CredentialsError, self).__init__(message, option)


def check_url(url):
    """Refuse, before any request, a ``url`` that cannot be Bitbucket's base URL, and say what it should be.

    Without a scheme, requests fails only at the first request with "No connection adapters were
    found"; with the REST path pasted in (``https://host/rest/api/latest``), every path would be sent
    as ``/rest/api/latest/rest/api/latest/...`` and answered 404.
    """
    problem = None
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        host = (url or "").split("://")[-1].strip("/") or "bitbucket.example.com"
        problem = "%r is not an http:// or https:// URL; write it with its scheme, for example https://%s" % (url, host)
    elif parts.query or parts.fragment:
        problem = "%r has a query string or a fragment; give the base URL of Bitbucket only" % url
    else:
        segments = parts.path.split("/")
        if "rest" in segments:
            base = "%s://%s%s" % (parts.scheme, parts.netloc, "/".join(segments[: segments.index("rest")]))
            problem = (
                "%r includes the REST API path; url is the base URL of Bitbucket, with its context path if it has one. "
                "The modules add /rest/... themselves: use %r" % (url, base.rstrip("/"))
            )
    if problem:
        raise ConnectionOptionError("Invalid value for option 'url' (or BITBUCKET_URL): %s" % problem, "url")


def connection_argument_spec():
    """The connection part of every module's argument spec, with env fallbacks for the non-credential options."""
    spec = {}
    for name, (option, env_var, _description) in CONNECTION_OPTIONS.items():
        option = dict(option)
        if name not in CREDENTIAL_OPTIONS:
            option["fallback"] = (env_fallback, [env_var])
        spec[name] = option
    return spec


def resolve_credentials(params, environ):
    """Complete ``params`` with credentials from ``environ``; return the secret values taken from it.

    What the task sets decides the kind: a token, or a username and password (either of which
    may come from the environment). When the task sets none, BITBUCKET_TOKEN is used if set,
    else BITBUCKET_USERNAME and BITBUCKET_PASSWORD. Empty values count as unset.
    """
    for name in CREDENTIAL_OPTIONS:
        if params.get(name) == "":
            params[name] = None
    env = {name: environ.get(CONNECTION_OPTIONS[name][1]) or None for name in CREDENTIAL_OPTIONS}
    taken = []
    if params.get("token") is None and params.get("username") is None and params.get("password") is None and env["token"]:
        params["token"] = env["token"]
        taken.append(env["token"])
    if params.get("token") is None:
        for name in ("username", "password"):
            if params.get(name) is None and env[name]:
                params[name] = env[name]
                if name == "password":
                    taken.append(env[name])
        if params.get("username") is None or params.get("password") is None:
            missing = "username" if params.get("username") is None else "password"
            raise CredentialsError(
                "Give Bitbucket credentials: the option token (or BITBUCKET_TOKEN), or the options username and password "
                "(or BITBUCKET_USERNAME and BITBUCKET_PASSWORD); %s is missing" % missing,
                missing,
            )
    return taken


def resolve_connection(params, environ):
    """Check the URL and resolve the credentials (:func:`resolve_credentials`), before any request.

    Raises :class:`ConnectionOptionError` naming the option; returns the secrets taken from ``environ``.
    """
    check_url(params.get("url"))
    return resolve_credentials(params, environ)


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
    lines.append("  - %s" % _yaml_scalar("Credentials set on the task win over the environment: a task that sets O(username) ignores E(BITBUCKET_TOKEN)."))
    lines.append("  - %s" % _yaml_scalar("E(BITBUCKET_TOKEN) is used only when the task sets none of O(token), O(username) and O(password)."))
    lines.append("  - %s" % _yaml_scalar("Set the connection once for a play or block with C(module_defaults) and C(group/bitbucket.datacenter.bitbucket)."))
    lines.append("  - %s" % _yaml_scalar("When the task's connection is local, the module runs inside the Ansible worker process."))
    lines.append("  - %s" % _yaml_scalar("Set the variable C(bitbucket_datacenter_in_process=false) to run it as an ordinary module instead."))
    return "\n".join(lines) + "\n"


def client_from_params(params, trace=None, **client_options):
    """A client for the run, built from validated connection parameters.

    ``client_options`` go to the client as they are (tests pass a fake session and sleep).
    """
    return BitbucketClient(
        params["url"],
        token=params.get("token"),
        username=params.get("username"),
        password=params.get("password"),
        validate_certs=params.get("validate_certs", True),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout") or 30,
        trace=trace,
        **client_options
    )


def environment_names():
    """The environment variables the connection options read, for documentation and tests."""
    return [env_var for (_option, env_var, _description) in CONNECTION_OPTIONS.values()]
