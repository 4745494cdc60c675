"""The mail server and the server e-mail address (seed 003; spec getMailConfig, setMailConfig, deleteMailConfig,
getSenderAddress, setSenderAddress, clearSenderAddress; API-MAP 3.15).

The sender address is one value: the configuration's ``senderAddress`` and what the sender-address
resource reads and writes (so an ADMIN, who may not touch the mail server, can still set it).
"""

from __future__ import annotations

import re

from ..errors import ApiError, bad_request
from ..permissions import require_global
from ..system_settings import MailServer
from ..web import Route, empty

PROTOCOLS = ("SMTP", "SMTPS")
DEFAULT_PORTS = {"SMTP": 25, "SMTPS": 465}
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


def to_rest(state):
    """RestMailConfiguration with the spec's (and seed's) camelCase names. The seed 003 example of the GET
    answer shows the password, so it is returned as set (API-MAP 3.15 warns not to rely on it)."""
    mail = state.mail_server
    body = {"hostname": mail.hostname, "port": mail.port, "protocol": mail.protocol,
            "useStartTls": mail.use_start_tls, "requireStartTls": mail.require_start_tls}
    if mail.username is not None:
        body["username"] = mail.username
    if mail.password is not None:
        body["password"] = mail.password
    if state.sender_address is not None:
        body["senderAddress"] = state.sender_address
    return body


def _address(value, field):
    if not isinstance(value, str) or not _ADDRESS.match(value):
        raise bad_request(f"'{value}' is not a valid e-mail address.", field)
    return value


def _optional(body, field, kind, label):
    value = body.get(field)
    if value is not None and not isinstance(value, kind):
        raise bad_request(f"{field} must be {label}.", field)
    return value


def get_mail_server(ctx):
    # spec getMailConfig: SYS_ADMIN; 404 "The mail server hasn't been configured".
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    if ctx.state.mail_server is None:
        raise ApiError(404, "The mail server hasn't been configured.", "com.atlassian.bitbucket.mail.NoMailHostConfigurationException")
    return 200, to_rest(ctx.state)


def set_mail_server(ctx):
    # spec setMailConfig: SYS_ADMIN; the body is the whole configuration and replaces it (API-MAP 3.15: a field
    # left out, the password included, is cleared); 400 "due to a validation error"; 200 with the configuration.
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    body = ctx.json_object()
    hostname = body.get("hostname")
    if not isinstance(hostname, str) or not hostname.strip():
        raise bad_request("hostname must be provided.", "hostname")
    protocol = body.get("protocol") or "SMTP"
    if protocol not in PROTOCOLS:
        raise bad_request(f"protocol must be one of {', '.join(PROTOCOLS)}.", "protocol")
    port = body.get("port", DEFAULT_PORTS[protocol])
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise bad_request("port must be a number from 1 to 65535.", "port")
    use_start_tls = _optional(body, "useStartTls", bool, "a boolean") or False
    require_start_tls = _optional(body, "requireStartTls", bool, "a boolean") or False
    username = _optional(body, "username", str, "a string") or None
    password = _optional(body, "password", str, "a string") or None
    sender = body.get("senderAddress")
    if sender is not None:
        _address(sender, "senderAddress")
    ctx.state.mail_server = MailServer(hostname=hostname, port=port, protocol=protocol, use_start_tls=use_start_tls,
                                       require_start_tls=require_start_tls, username=username, password=password)
    ctx.state.sender_address = sender
    return 200, to_rest(ctx.state)


def delete_mail_server(ctx):
    # spec deleteMailConfig: SYS_ADMIN; 204. The sender address is part of the configuration and goes with it.
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    ctx.state.mail_server = None
    ctx.state.sender_address = None
    return empty(204)


def get_sender_address(ctx):
    # spec getSenderAddress: the address as a bare JSON string (API-MAP 3.15); nothing set: an empty 200.
    require_global(ctx.state, ctx.principal, "ADMIN")
    if ctx.state.sender_address is None:
        return empty(200)
    return 200, ctx.state.sender_address


def set_sender_address(ctx):
    # spec setSenderAddress: ADMIN; the body is a JSON string literal, not an object; 200 with the address.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_body()
    if not isinstance(body, str):
        raise bad_request("The request body must be the e-mail address as a JSON string.")
    ctx.state.sender_address = _address(body, None)
    return 200, ctx.state.sender_address


def clear_sender_address(ctx):
    # spec clearSenderAddress: ADMIN; 204.
    require_global(ctx.state, ctx.principal, "ADMIN")
    ctx.state.sender_address = None
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/admin/mail-server", get_mail_server),
    Route("PUT", "/api/latest/admin/mail-server", set_mail_server),
    Route("DELETE", "/api/latest/admin/mail-server", delete_mail_server),
    Route("GET", "/api/latest/admin/mail-server/sender-address", get_sender_address),
    Route("PUT", "/api/latest/admin/mail-server/sender-address", set_sender_address),
    Route("DELETE", "/api/latest/admin/mail-server/sender-address", clear_sender_address),
]
