#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_mail_server
short_description: Configure the Bitbucket Data Center mail server, or only its sender address
version_added: 1.0.0
description:
  - Configures the SMTP server Bitbucket sends notifications through, or removes the configuration.
  - Only the options you set are compared and changed. Bitbucket replaces the whole configuration on every change, so the module
    sends the fields you did not set as they are.
  - The SMTP password cannot be compared (see O(update_smtp_password)) and is never returned or shown in a diff.
  - "Sender-address-only mode: when O(sender_address) is the only option set, only the server e-mail address is managed, through
    Bitbucket's sender-address resource. That needs ADMIN, where the mail server itself needs SYS_ADMIN, so an administrator who is
    not a system administrator can keep the sender address right."
options:
  hostname:
    description:
      - Host name of the SMTP server. Required to configure a mail server where there is none.
    type: str
  port:
    description:
      - Port of the SMTP server, from 1 to 65535. A new configuration uses 25, or 465 with O(protocol=SMTPS).
    type: int
  protocol:
    description:
      - V(SMTP), or V(SMTPS) for SMTP over TLS. A new configuration uses V(SMTP).
    type: str
    choices: [SMTP, SMTPS]
  use_start_tls:
    description:
      - Whether to upgrade the connection with STARTTLS when the server offers it. A new configuration does not.
    type: bool
  require_start_tls:
    description:
      - Whether to refuse to send mail unless the server accepts STARTTLS. Needs O(use_start_tls). A new configuration does not.
    type: bool
  smtp_username:
    description:
      - User name for the SMTP server, when it needs authentication (Bitbucket's C(username) field; O(username) is the account the
        module logs in to Bitbucket with).
    type: str
  smtp_password:
    description:
      - Password for the SMTP server (Bitbucket's C(password) field). It is write-only, as Bitbucket never shows it back in a way that
        can be relied on; see O(update_smtp_password).
      - Because Bitbucket replaces the whole configuration, a change to any other field must send the password again. The module sends
        the stored one when Bitbucket shows it, else this one; with neither, it refuses to change a configuration that has an SMTP user.
    type: str
  update_smtp_password:
    description:
      - V(on_create) sends O(smtp_password) only with a new configuration (or again with another change, see O(smtp_password)); a
        changed password is not detected.
      - V(always) sends O(smtp_password) on every run, which then always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  sender_address:
    description:
      - The address notifications come from (the "From" address).
      - Set alone, it switches to the sender-address-only mode described above; there, an empty string clears the address.
    type: str
  state:
    description:
      - V(present) configures the mail server (or the sender address); V(absent) removes the whole mail configuration, the sender
        address with it. With V(absent), set no other option.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  idempotent:
    support: partial
    details:
      - With O(update_smtp_password=always), every run sends the SMTP password and reports a change.
notes:
  - The mail server needs SYS_ADMIN; the sender-address-only mode needs ADMIN.
  - Bitbucket's documentation spells the fields in camel case (C(useStartTls)), older documentation and some clients in kebab case
    (C(use-start-tls)). The module reads both and writes the documented camel case.
seealso:
  - name: Bitbucket Data Center REST API, system maintenance
    description: The mail server endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Mail goes out through the company relay, over STARTTLS only
  bitbucket.datacenter.bitbucket_mail_server:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    hostname: smtp.example.com
    port: 587
    use_start_tls: true
    require_start_tls: true
    smtp_username: bitbucket-mailer
    smtp_password: "{{ vault_smtp_password }}"
    sender_address: bitbucket@example.com

- name: Rotate the SMTP password
  bitbucket.datacenter.bitbucket_mail_server:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_sysadmin_token }}"
    smtp_password: "{{ vault_new_smtp_password }}"
    update_smtp_password: always

- name: An administrator who is not a system administrator keeps the sender address right
  bitbucket.datacenter.bitbucket_mail_server:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    sender_address: noreply@example.com
"""

RETURN = r"""
mail_server:
  description:
    - The mail configuration after the run (predicted in check mode), without the password. Empty when there is none.
    - In the sender-address-only mode, only RV(mail_server.senderAddress).
  returned: always
  type: dict
  contains:
    hostname:
      description: Host name of the SMTP server.
      type: str
    port:
      description: Its port.
      type: int
    protocol:
      description: V(SMTP) or V(SMTPS).
      type: str
    useStartTls:
      description: Whether STARTTLS is used when offered.
      type: bool
    requireStartTls:
      description: Whether STARTTLS is required.
      type: bool
    username:
      description: The SMTP user name, when there is one.
      type: str
    senderAddress:
      description: The address notifications come from.
      type: str
  sample:
    hostname: smtp.example.com
    port: 587
    protocol: SMTP
    useStartTls: true
    requireStartTls: true
    username: bitbucket-mailer
    senderAddress: bitbucket@example.com
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import SECRET_PLACEHOLDER, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, known_first, singleton
from ansible_collections.bitbucket.datacenter.plugins.module_utils._write_only import sends_secret, update_option

MODULE_SPEC = dict(
    argument_spec=dict(
        hostname=dict(type="str"),
        port=dict(type="int"),
        protocol=dict(type="str", choices=["SMTP", "SMTPS"]),
        use_start_tls=dict(type="bool"),
        require_start_tls=dict(type="bool"),
        smtp_username=dict(type="str"),
        smtp_password=dict(type="str", no_log=True),
        update_smtp_password=update_option(),
        sender_address=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

MAIL_PATH = rest_path("api", "admin", "mail-server")
SENDER_PATH = rest_path("api", "admin", "mail-server", "sender-address")

# option -> the field of Bitbucket's mail configuration, in the documented spelling and the others it is read in (API-MAP 3.15).
FIELDS = (
    ("hostname", ("hostname",)),
    ("port", ("port",)),
    ("protocol", ("protocol",)),
    ("use_start_tls", ("useStartTls", "use-start-tls")),
    ("require_start_tls", ("requireStartTls", "require-start-tls")),
    ("smtp_username", ("username",)),
    ("sender_address", ("senderAddress", "sender-address")),
)
SERVER_OPTIONS = ("hostname", "port", "protocol", "use_start_tls", "require_start_tls", "smtp_username", "smtp_password")
PASSWORD = "password"


def read_field(config, spellings):
    for key in spellings:
        if key in config:
            return config[key]
    return None


def mail_fields(config):
    """The managed fields of a configuration, in the documented names, whichever spelling the server used."""
    fields = {spellings[0]: read_field(config, spellings) for _option, spellings in FIELDS}
    for flag in ("useStartTls", "requireStartTls"):
        fields[flag] = bool(fields[flag])
    fields["protocol"] = (fields["protocol"] or "SMTP").upper()
    for text in ("username", "senderAddress"):
        fields[text] = fields[text] or None  # "" and absent are the same: not set
    return fields


def validate(params):
    given = [option for option in SERVER_OPTIONS + ("sender_address",) if params[option] is not None]
    if params["state"] == "absent":
        if given:
            raise invalid_option(given[0], "state=absent removes the whole mail configuration; set no other option with it")
        return
    if not given:
        raise invalid_option("hostname", "set the mail server options, or sender_address alone, or state=absent")
    if params["hostname"] is not None and not params["hostname"].strip():
        raise invalid_option("hostname", "must not be empty")
    if params["port"] is not None and not 1 <= params["port"] <= 65535:
        raise invalid_option("port", "%d is not a port: it must be from 1 to 65535" % params["port"])
    if params["require_start_tls"] and params["use_start_tls"] is False:
        raise invalid_option("require_start_tls", "requiring STARTTLS needs use_start_tls=true")
    sender = params["sender_address"]
    if sender is not None and sender != "" and (sender.count("@") != 1 or sender.startswith("@") or sender.endswith("@") or " " in sender):
        raise invalid_option("sender_address", "%r is not an e-mail address" % sender)
    if sender == "" and any(params[option] is not None for option in SERVER_OPTIONS):
        raise invalid_option("sender_address", "an empty sender address clears it, only in the sender-address-only mode (set no other option)")


def sender_only(context):
    """The sender address alone, through the resource an ADMIN may use (seed 003; API-MAP 3.15)."""
    params = context.params
    client = context.client

    def read():
        # A bare JSON string; nothing set may answer an empty body (API-MAP 3.15).
        address = client.get(SENDER_PATH)
        return {"senderAddress": address} if address else None

    def write(fields):
        answer = client.put(SENDER_PATH, json=fields["senderAddress"]).body  # the body is a JSON string literal
        return {"senderAddress": answer if isinstance(answer, str) and answer else fields["senderAddress"]}

    resource = singleton(read=read, write=write, project=dict, delete=lambda _current: client.delete(SENDER_PATH))
    state = "absent" if params["sender_address"] == "" else "present"
    changed, before, after, _obj = ensure(context, resource, state, {"senderAddress": params["sender_address"] or None}, label="the sender address")
    return context.result(changed, before, after, mail_server=after or {})


def run(context):
    params = context.params
    validate(params)
    if params["state"] == "present" and all(params[option] is None for option in SERVER_OPTIONS):
        return sender_only(context)
    client = context.client
    current = client.get(MAIL_PATH, missing_ok=True)  # 404: not configured (API-MAP 1.6)
    stored_password = (current or {}).get(PASSWORD) or None  # the seed's GET example shows it; not every server may

    desired = {spellings[0]: params[option] for option, spellings in FIELDS}
    if sends_secret(params["smtp_password"], params["update_smtp_password"], creating=current is None):
        # Never compared: a placeholder that differs from anything read makes the module send the password.
        desired[PASSWORD] = SECRET_PLACEHOLDER

    def precheck(existing, fields):
        # PUT replaces everything (API-MAP 3.15): a change without any password to send would clear the stored one.
        if existing is not None and PASSWORD not in fields and not stored_password and params["smtp_password"] is None and fields.get("username"):
            raise invalid_option(
                "smtp_password",
                "Bitbucket replaces the whole mail configuration on every change and does not show the stored password, so a change needs "
                "the password of SMTP user %s again; nothing was changed" % fields["username"],
            )

    def write(fields):
        body = {name: value for name, value in fields.items() if name != PASSWORD and value is not None}
        if PASSWORD in fields:
            body[PASSWORD] = params["smtp_password"]
        elif stored_password:
            body[PASSWORD] = stored_password  # resent as it is, or the PUT would clear it
        elif params["smtp_password"] is not None:
            body[PASSWORD] = params["smtp_password"]
        return client.put(MAIL_PATH, json=body).body

    protocol = params["protocol"] or "SMTP"
    resource = singleton(
        read=known_first(current, lambda: client.get(MAIL_PATH, missing_ok=True)),
        write=write,
        project=mail_fields,
        delete=lambda _current: client.delete(MAIL_PATH),
    )
    changed, before, after, _obj = ensure(
        context, resource, params["state"], desired,
        defaults=dict(protocol=protocol, port=465 if protocol == "SMTPS" else 25, useStartTls=False, requireStartTls=False),
        required_on_create=("hostname",), label="the mail server configuration", precheck=precheck,
    )
    if after is not None:
        after.pop(PASSWORD, None)  # sent, never shown
    return context.result(changed, before, after, mail_server=after or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
