# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Version gates: what the server is, read once per run, and the failure for a feature it lacks.

Internal to the bitbucket.datacenter collection: this module may change at any time.

API-MAP 1.7: ``GET /rest/api/latest/application-properties`` needs no authentication and names the
version. The seeds describe the newest release and the OpenAPI document 9.4, so a module that uses a
newer endpoint or field asks here first (the answer is cached on the client, one read per run), and a
404 or 405 from such an endpoint is explained with the version found, never left bare.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure


def version_text(version):
    return ".".join(str(part) for part in version)


def application_info(client):
    """What the server says it is, from the run's one application-properties read (API-MAP 1.7, section 4 bitbucket_info).

    ``version_info`` is the version as numbers, the one every gate compares; the other fields are
    Bitbucket's own, as strings (``buildDate`` is epoch milliseconds in a string, seed 003).
    """
    properties = client.server_info()
    return dict(
        version=properties.get("version"),
        version_info=list(client.server_version()),
        build_number=properties.get("buildNumber"),
        build_date=properties.get("buildDate"),
        display_name=properties.get("displayName"),
    )


def supports(client, minimum):
    """Whether the server is ``minimum`` (a tuple such as ``(9, 5)``) or newer."""
    return client.server_version() >= tuple(minimum)


def needs_newer(client, minimum, feature):
    """The failure for ``feature`` on a server older than ``minimum``."""
    found = client.server_version()
    return ModuleFailure(
        "%s needs a newer Bitbucket: Bitbucket %s or later, and the server at %s runs %s"
        % (feature, version_text(minimum), client.base_url, version_text(found)),
        server_version=version_text(found),
        required_version=version_text(minimum),
    )


def require(client, minimum, feature):
    """Fail before any write when the server is older than ``minimum``."""
    if not supports(client, minimum):
        raise needs_newer(client, minimum, feature)


def explain_missing_endpoint(exc, client, feature):
    """A 404/405 from an endpoint that only some versions have, explained with the version found.

    Returns ``exc`` unchanged for any other status, so a caller writes ``raise explain_missing_endpoint(...)``.
    """
    if exc.status in (404, 405):
        exc.message += " - %s is not available on this server, which runs Bitbucket %s" % (feature, version_text(client.server_version()))
    return exc


# -- options that only newer servers know ----------------------------------------------------------------


def gate_options(client, params, options, minimum, older_api):
    """The options of ``options`` that the task sets; fails before any write when the server is older than ``minimum``.

    For fields that are in the seeds (the newest release) but not in an older API (API-MAP 1.7): they are
    sent only when set, and only to a server that may know them. ``older_api`` names the API that lacks
    them, for the message ("Bitbucket 9.4").
    """
    used = [option for option in options if params.get(option) is not None]
    if used and not supports(client, minimum):
        raise needs_newer(client, minimum, "%s (not in the %s API)" % (", ".join(used), older_api))
    return used


def explain_refused_options(exc, client, used, older_api):
    """A 400 to a write that held such options, explained with the server's version; returns ``exc``."""
    if used and exc.status == 400:
        exc.message += " - the request held %s, which are newer than the %s API; this server runs Bitbucket %s" % (
            ", ".join(used), older_api, version_text(client.server_version()))
    return exc


def check_options_kept(client, used, projected, desired):
    """Fail when a write that held such options came back without them: the server ignored them.

    ``projected`` is the object after the write and ``desired`` what the task asked for, both by option name.
    """
    dropped = [option for option in used if projected.get(option) != desired.get(option)]
    if dropped:
        raise ModuleFailure(
            "Bitbucket %s took the change but ignored %s: this version does not support %s"
            % (version_text(client.server_version()), ", ".join(dropped), "them" if len(dropped) > 1 else "it"),
            ignored_options=dropped,
            server_version=version_text(client.server_version()),
        )
