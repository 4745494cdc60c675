#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_idp
short_description: Create, update and delete Bitbucket Data Center identity providers (SAML, OpenID Connect, Crowd)
version_added: 1.0.0
description:
  - Makes a SAML, OpenID Connect (OIDC) or Crowd identity provider (IdP) of Bitbucket Data Center exist with the given settings, or
    makes it not exist. People then log in through it, and with O(jit_provisioning) their accounts are created at their first login.
  - The IdP is found by its O(name). Bitbucket allows two IdPs of one name; the module then fails and lists their ids, rather than guess.
  - Only the options you set are compared and changed; a second run with the same arguments changes nothing.
  - The client secret (or the Crowd application password) is write-only; see O(update_secret).
  - Disabling or deleting the only enabled IdP while the login form is hidden (M(bitbucket.datacenter.bitbucket_sso_config)) would leave
    nobody a way to log in; the module refuses that unless O(force=true).
options:
  name:
    description:
      - The IdP's name, its identity.
    type: str
    required: true
  type:
    description:
      - The kind of IdP. Required to create it.
      - V(saml) and V(oidc) are generic IdPs (Bitbucket's C(idp-type=GENERIC) with C(sso-type) SAML or OIDC); V(crowd) is Atlassian
        Crowd (C(idp-type=CROWD), C(sso-type=NONE)).
      - Changing the type of an existing IdP changes it in place; give the options the new type requires.
    type: str
    choices: [saml, oidc, crowd]
  enabled:
    description:
      - Whether people can log in through this IdP. Left as it is when not set; Bitbucket creates an IdP disabled unless told otherwise.
    type: bool
  button_text:
    description:
      - The label of this IdP's button on the login page.
    type: str
  include_customer_logins:
    description:
      - Whether Jira Service Management customers log in through this IdP too.
    type: bool
  enable_remember_me:
    description:
      - Whether the IdP login keeps people logged in across browser sessions (Bitbucket's "remember me").
    type: bool
  sso_url:
    description:
      - O(type=saml) only. The IdP's single sign-on URL. Required to create a SAML IdP.
    type: str
  sso_issuer:
    description:
      - O(type=saml) only. The IdP's issuer (entity id). Required to create a SAML IdP.
    type: str
  certificate:
    description:
      - O(type=saml) only. The IdP's signing certificate in PEM format. Required to create a SAML IdP.
      - Compared without its C(-----BEGIN CERTIFICATE-----) and C(-----END CERTIFICATE-----) lines and without whitespace, so a
        certificate wrapped at another width, or given without its armour, is the same certificate.
    type: str
  username_attribute:
    description:
      - O(type=saml) only. The SAML attribute that holds the Bitbucket username; Bitbucket uses the NameID when none is set.
    type: str
  sign_authn_request:
    description:
      - O(type=saml) only. Whether Bitbucket signs its SAML authentication requests.
      - Newer than the Bitbucket 9.4 API, which does not have it. Sent only when set; on Bitbucket 9.4 or older the task fails before
        anything is written, and a newer server that refuses or ignores it is reported with its version.
    type: bool
  signature_algorithm:
    description:
      - O(type=saml) only. The algorithm of that signature, as Bitbucket names it, for example C(RSA_SHA256).
      - Newer than the Bitbucket 9.4 API, like O(sign_authn_request).
    type: str
  name_id_policy:
    description:
      - O(type=saml) only. The NameID policy of the authentication requests, as Bitbucket names it, for example C(NONE).
      - Newer than the Bitbucket 9.4 API, like O(sign_authn_request).
    type: str
  issuer_url:
    description:
      - O(type=oidc) only. The OpenID provider's issuer URL. Required to create an OIDC IdP.
    type: str
  client_id:
    description:
      - O(type=oidc) and O(type=crowd). The client id Bitbucket has at the OpenID provider, or the name of Bitbucket's application in Crowd.
        Required to create an OIDC or Crowd IdP.
    type: str
    aliases: [crowd_application_name]
  client_secret:
    description:
      - O(type=oidc) and O(type=crowd). The client secret at the OpenID provider, or the password of Bitbucket's application in Crowd.
        Required to create an OIDC or Crowd IdP.
      - Write-only; it never appears in results, diffs or the request trace. O(update_secret) says when it is sent.
    type: str
    aliases: [crowd_application_password]
  update_secret:
    description:
      - When O(client_secret) is sent. Bitbucket does not show a secret back, so the module cannot tell whether the one given differs.
      - V(on_create) sends it when the IdP is created, and otherwise never; runs stay idempotent, and a changed secret is not detected.
      - V(always) sends it on every run, and the task reports a change each time.
    type: str
    choices: [always, on_create]
    default: on_create
  discovery_enabled:
    description:
      - O(type=oidc) only. Whether Bitbucket reads the provider's endpoints from its discovery document (C(.well-known/openid-configuration)).
      - A new OIDC IdP uses discovery unless this is V(false); then O(authorization_endpoint), O(token_endpoint) and O(userinfo_endpoint)
        are required.
    type: bool
  authorization_endpoint:
    description:
      - O(type=oidc) only. The authorization endpoint, when O(discovery_enabled=false).
    type: str
  token_endpoint:
    description:
      - O(type=oidc) only. The token endpoint, when O(discovery_enabled=false).
    type: str
  userinfo_endpoint:
    description:
      - O(type=oidc) only. The user-info endpoint, when O(discovery_enabled=false).
    type: str
  additional_scopes:
    description:
      - O(type=oidc) only. Scopes requested besides C(openid). Compared as a set; an empty list removes them all.
    type: list
    elements: str
  username_claim:
    description:
      - O(type=oidc) only. The claim that holds the Bitbucket username.
    type: str
  crowd_url:
    description:
      - O(type=crowd) only. The base URL of the Crowd server. Required to create a Crowd IdP.
    type: str
  jit_provisioning:
    description:
      - O(type=saml) and O(type=oidc). Whether an account is created, and kept up to date, when someone logs in through this IdP for the
        first time (just-in-time provisioning).
    type: bool
  jit_mapping_display_name:
    description:
      - O(type=saml) and O(type=oidc). The attribute or claim that holds a provisioned user's display name.
    type: str
  jit_mapping_email:
    description:
      - O(type=saml) and O(type=oidc). The attribute or claim that holds a provisioned user's email address.
    type: str
  jit_mapping_groups:
    description:
      - O(type=saml) and O(type=oidc). The attribute or claim that holds a provisioned user's groups.
    type: str
  force:
    description:
      - Disable or delete the only enabled IdP even though the login form is hidden, which leaves people no way to log in except the
        authentication fallback, if it is on. Without it the module refuses, before writing anything.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the IdP; V(absent) deletes it.
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
      - With O(update_secret=always), every run sends the secret and reports a change.
notes:
  - Needs the SYS_ADMIN permission.
  - Whether Bitbucket lets an HTTP access token change its authentication configuration is not documented. If the server refuses the
    token, the task fails and says so; authenticate with the username and password of a system administrator instead.
  - An option that does not apply to the IdP's type (O(sso_url) for an OIDC IdP, say) is refused before anything is sent.
  - Which fields Bitbucket uses for a Crowd application's name and password is not documented beyond the shared C(client-id) and
    C(client-secret); when the server does not return the name, it is sent but not compared, and the task warns.
seealso:
  - module: bitbucket.datacenter.bitbucket_idp_info
  - module: bitbucket.datacenter.bitbucket_sso_config
  - name: Bitbucket Data Center REST API, authentication
    description: The endpoints this module uses (C(/rest/authconfig/latest/idps)).
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Company SSO through OpenID Connect, with just-in-time provisioning
  bitbucket.datacenter.bitbucket_idp:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: Corporate SSO
    type: oidc
    enabled: true
    button_text: Log in with Corporate SSO
    issuer_url: https://login.example.com/realms/corp
    client_id: bitbucket
    client_secret: "{{ vault_oidc_client_secret }}"
    additional_scopes: [profile, email, groups]
    username_claim: preferred_username
    jit_provisioning: true
    jit_mapping_display_name: name
    jit_mapping_email: email
    jit_mapping_groups: groups

- name: Rotate the OIDC client secret (reports a change on every run)
  bitbucket.datacenter.bitbucket_idp:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: Corporate SSO
    client_secret: "{{ vault_oidc_client_secret_new }}"
    update_secret: always

- name: A SAML IdP
  bitbucket.datacenter.bitbucket_idp:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: Okta
    type: saml
    enabled: true
    sso_url: https://example.okta.com/app/bitbucket/sso/saml
    sso_issuer: http://www.okta.com/exk1
    certificate: "{{ lookup('ansible.builtin.file', 'okta.pem') }}"
    username_attribute: login

- name: Remove an old Crowd directory login
  bitbucket.datacenter.bitbucket_idp:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: Legacy Crowd
    state: absent
"""

RETURN = r"""
idp:
  description:
    - The IdP after the run as Bitbucket describes it, without its client secret; in check mode, the predicted IdP. Empty when absent.
    - Bitbucket's field names, in kebab-case (C(sso-url), C(jit-configuration)), except C(buttonText).
  returned: always
  type: dict
  sample:
    id: 3
    name: Corporate SSO
    enabled: true
    idp-type: GENERIC
    sso-type: OIDC
    issuer-url: https://login.example.com/realms/corp
    client-id: bitbucket
    discovery-enabled: true
    jit-configuration:
      user-provisioning-enabled: true
      mapping-email: email
secret_sent:
  description: Whether this run sent the client secret (in check mode, whether it would).
  returned: always
  type: bool
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import base64
import binascii
import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _authconfig as authconfig
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._field_map import Field, FieldMap, as_set, unique
from ansible_collections.bitbucket.datacenter.plugins.module_utils._lockout import FORCE_OPTION, refuse_unless_forced
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, http_url_problem, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import Resource, ensure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import check_options_kept, explain_refused_options, gate_options
from ansible_collections.bitbucket.datacenter.plugins.module_utils._write_only import sends_secret, update_option

SAML = "saml"
OIDC = "oidc"
CROWD = "crowd"
# type -> (idp-type, sso-type) (API-MAP 3.9).
TYPES = {SAML: ("GENERIC", "SAML"), OIDC: ("GENERIC", "OIDC"), CROWD: ("CROWD", "NONE")}
PEM_ARMOUR = re.compile(r"-----(BEGIN|END) CERTIFICATE-----")
URL_OPTIONS = ("sso_url", "issuer_url", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "crowd_url")
EXPLICIT_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint")
# API-MAP 3.9 and section 7 row 2: in the seed, not in the 9.4 document; the first release that has them is not documented.
SEED_ONLY = ("sign_authn_request", "signature_algorithm", "name_id_policy")
SEED_ONLY_SINCE = (9, 5)
OLDER_API = "Bitbucket 9.4"
REQUIRED_ON_CREATE = {SAML: ("sso_url", "sso_issuer", "certificate"), OIDC: ("issuer_url", "client_id"), CROWD: ("crowd_url", "client_id")}


def bare_certificate(pem):
    """A certificate without its PEM armour and whitespace (API-MAP 3.9 "Compare")."""
    return re.sub(r"\s+", "", PEM_ARMOUR.sub("", pem))


def is_certificate(bare):
    """Whether ``bare`` (base64, armour and whitespace removed) decodes to DER: an ASN.1 SEQUENCE."""
    try:
        der = base64.b64decode(bare, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(der) > 16 and der[:1] == b"\x30"


# Every managed option and the IdpConfigEntity field it is (API-MAP 3.9: kebab-case, except buttonText).
IDP_FIELDS = FieldMap([
    Field("enabled", "enabled"),
    Field("button_text", "buttonText"),
    Field("include_customer_logins", "include-customer-logins"),
    Field("enable_remember_me", "enable-remember-me"),
    Field("sso_url", "sso-url", kinds=[SAML]),
    Field("sso_issuer", "sso-issuer", kinds=[SAML]),
    Field("certificate", "certificate", normalise=bare_certificate, kinds=[SAML]),
    Field("username_attribute", "username-attribute", kinds=[SAML]),
    Field("sign_authn_request", "sign-authnrequest", kinds=[SAML]),
    Field("signature_algorithm", "signature-algorithm", kinds=[SAML]),
    Field("name_id_policy", "name-id-policy", kinds=[SAML]),
    Field("issuer_url", "issuer-url", kinds=[OIDC]),
    Field("client_id", "client-id", kinds=[OIDC, CROWD]),
    Field("discovery_enabled", "discovery-enabled", kinds=[OIDC]),
    Field("authorization_endpoint", "authorization-endpoint", kinds=[OIDC]),
    Field("token_endpoint", "token-endpoint", kinds=[OIDC]),
    Field("userinfo_endpoint", "userinfo-endpoint", kinds=[OIDC]),
    Field("additional_scopes", "additional-scopes", normalise=as_set, kinds=[OIDC], send=unique),
    Field("username_claim", "username-claim", kinds=[OIDC]),
    Field("crowd_url", "crowd-url", kinds=[CROWD]),
    Field("jit_provisioning", "jit-configuration/user-provisioning-enabled", kinds=[SAML, OIDC]),
    Field("jit_mapping_display_name", "jit-configuration/mapping-display-name", kinds=[SAML, OIDC]),
    Field("jit_mapping_email", "jit-configuration/mapping-email", kinds=[SAML, OIDC]),
    Field("jit_mapping_groups", "jit-configuration/mapping-groups", kinds=[SAML, OIDC]),
])

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        type=dict(type="str", choices=[SAML, OIDC, CROWD]),
        enabled=dict(type="bool"),
        button_text=dict(type="str"),
        include_customer_logins=dict(type="bool"),
        enable_remember_me=dict(type="bool"),
        sso_url=dict(type="str"),
        sso_issuer=dict(type="str"),
        certificate=dict(type="str"),
        username_attribute=dict(type="str"),
        sign_authn_request=dict(type="bool"),
        signature_algorithm=dict(type="str"),
        name_id_policy=dict(type="str"),
        issuer_url=dict(type="str"),
        client_id=dict(type="str", aliases=["crowd_application_name"]),
        client_secret=dict(type="str", no_log=True, aliases=["crowd_application_password"]),
        update_secret=update_option(),
        discovery_enabled=dict(type="bool"),
        authorization_endpoint=dict(type="str"),
        token_endpoint=dict(type="str", no_log=False),
        userinfo_endpoint=dict(type="str"),
        additional_scopes=dict(type="list", elements="str"),
        username_claim=dict(type="str"),
        crowd_url=dict(type="str"),
        jit_provisioning=dict(type="bool"),
        jit_mapping_display_name=dict(type="str"),
        jit_mapping_email=dict(type="str"),
        jit_mapping_groups=dict(type="str"),
        force=FORCE_OPTION,
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def kind_of(idp):
    """The O(type) of a server IdP."""
    if idp.get("idp-type") == "CROWD":
        return CROWD
    return {"SAML": SAML, "OIDC": OIDC}.get(idp.get("sso-type"))


def validate(params):
    if not params["name"].strip():
        raise invalid_option("name", "must not be empty")
    for option in URL_OPTIONS:
        value = params[option]
        problem = http_url_problem(value) if value is not None else None
        if problem:
            raise invalid_option(option, problem)
    if params["certificate"] is not None and not is_certificate(bare_certificate(params["certificate"])):
        raise invalid_option("certificate", "holds no certificate: give the PEM text (or its base64 body) of an X.509 certificate")
    if params["additional_scopes"] is not None and not all(scope.strip() for scope in params["additional_scopes"]):
        raise invalid_option("additional_scopes", "holds an empty scope")


def refuse_misplaced(params, kind, label):
    """An option of another type of IdP (sso_url for an OIDC IdP, say)."""
    for option in IDP_FIELDS.not_applicable(params, kind) + (["client_secret"] if kind == SAML and params["client_secret"] else []):
        kinds = IDP_FIELDS.by_option[option].kinds if option in IDP_FIELDS.by_option else (OIDC, CROWD)
        raise invalid_option(option, "applies to type %s only, and %s is of type %s" % (" and ".join(kinds), label, kind))


def check_for_kind(params, kind, current, label):
    """Options of another type and missing required options, refused before any write."""
    refuse_misplaced(params, kind, label)
    merged = IDP_FIELDS.project(current, kind) if current is not None and kind_of(current) == kind else {}
    merged.update({option: value for option, value in IDP_FIELDS.desired(params).items() if value is not None})
    if current is None or kind_of(current) != kind:
        # A new IdP, or one that becomes another type, needs what that type needs (API-MAP 3.9).
        required = list(REQUIRED_ON_CREATE[kind]) + (["client_secret"] if kind in (OIDC, CROWD) else [])
        missing = [option for option in required if merged.get(option) is None and params.get(option) is None]
        if missing:
            verb = "create" if current is None else "make"
            raise ModuleFailure(
                "%s '%s' %s required to %s %s of type %s"
                % ("Options" if len(missing) > 1 else "Option", "', '".join(missing), "are" if len(missing) > 1 else "is", verb, label, kind),
                missing_options=missing,
            )
    if kind == OIDC and merged.get("discovery_enabled") is False:
        # API-MAP 3.9: "endpoints needed when discovery is disabled".
        missing = [option for option in EXPLICIT_ENDPOINTS if merged.get(option) is None]
        if missing:
            raise invalid_option(missing[0], "required with discovery_enabled=false (missing: %s)" % ", ".join(missing))


def find_idp(client, params):
    """``(the IdP of this name or None, every IdP)``; two of one name are an error that lists their ids (API-MAP 3.9)."""
    idps = authconfig.list_idps(client)
    matches = [idp for idp in idps if idp.get("name") == params["name"]]
    if len(matches) > 1:
        ids = sorted(str(idp.get("id")) for idp in matches)
        raise ModuleFailure(
            "%d identity providers are named %r (ids %s); rename or delete the extra ones so that the name identifies one IdP"
            % (len(matches), params["name"], ", ".join(ids)),
            idp_ids=ids,
        )
    return (matches[0] if matches else None), idps


def guard_last_login_path(context, client, current, idps, label):
    """Refuse to disable or delete the only enabled IdP while the login form is hidden (API-MAP 3.9 "Quirks", 3.10)."""
    params = context.params
    if current is None or not current.get("enabled"):
        return
    disabling = params["state"] == "absent" or params["enabled"] is False
    if not disabling or authconfig.enabled_idps(idps, except_id=current.get("id")):
        return
    sso = client.get(authconfig.SSO) or {}
    if sso.get("show-login-form", True):
        return
    outcome = ("so people could log in only through the authentication fallback" if sso.get("enable-authentication-fallback")
               else "and authentication fallback is off, so nobody could log in")
    refuse_unless_forced(
        context,
        "idp_last_login_path",
        "this would %s %s, the only enabled identity provider, while the login form is hidden, %s"
        % ("delete" if params["state"] == "absent" else "disable", label, outcome),
        "Show the login form first (bitbucket_sso_config show_login_form=true), or enable another IdP.",
    )


def project(idp):
    """The managed fields of an IdP, by option name (the diff's before and after)."""
    if "idp-type" not in idp and "type" in idp:
        # ensure() projects the fields of a create it only predicts (check mode): already by option name.
        fields = {option: idp.get(option) for option in IDP_FIELDS.options if IDP_FIELDS.by_option[option].applies_to(idp["type"])}
        return dict({option: value for option, value in fields.items() if value is not None}, type=idp["type"])
    # Fields the IdP does not have are left out, so the diff shows only what is there.
    projected = {option: value for option, value in IDP_FIELDS.project(idp, kind_of(idp)).items() if value is not None}
    projected["type"] = kind_of(idp)
    return projected


class IdpWrites:
    """The request bodies of one run: the options as given (a certificate keeps its armour), the secret when due."""

    def __init__(self, client, params, kind, defaults, secret_due, used):
        self.client = client
        self.params = params
        self.kind = kind
        self.defaults = defaults
        self.secret_due = secret_due
        self.used = used

    def body(self, options, base=None):
        values = {option: self.params[option] for option in options if option != "type" and self.params.get(option) is not None}
        values.update({option: value for option, value in self.defaults.items() if option in options and option not in values})
        body = IDP_FIELDS.to_api(values, base=base)
        if "type" in options:
            body["idp-type"], body["sso-type"] = TYPES[self.kind]
        return body

    def create(self, fields):
        body = self.body(list(fields))
        body["name"] = self.params["name"]
        if self.params["client_secret"] is not None:
            body["client-secret"] = self.params["client_secret"]
        try:
            return self.client.post(authconfig.IDPS, json=body).body
        except BitbucketError as exc:
            raise explain_refused_options(exc, self.client, self.used, OLDER_API) from None

    def update(self, current, changes):
        body = self.body(list(changes), base=current)
        if self.secret_due:
            body["client-secret"] = self.params["client_secret"]
        try:
            updated = self.client.patch(authconfig.idp_path(current["id"]), json=body).body
        except BitbucketError as exc:
            raise explain_refused_options(exc, self.client, self.used, OLDER_API) from None
        self.secret_due = False
        return updated

    def send_secret(self, current):
        """update_secret=always with nothing else to change: the secret alone."""
        updated = self.client.patch(authconfig.idp_path(current["id"]), json={"client-secret": self.params["client_secret"]}).body
        self.secret_due = False
        return updated or current

    def predicted(self, current, desired, before):
        """The IdP as it would be after the run, for check mode (never holding the secret)."""
        options = [option for option, value in desired.items() if value is not None and (before or {}).get(option) != value]
        if current is None:
            return dict(self.body(options + list(self.defaults) + ["type"]), name=self.params["name"])
        return dict(current, **self.body(options, base=current))


@authconfig.explained
def run(context):
    params = context.params
    validate(params)
    client = context.client
    label = "IdP %r" % params["name"]
    if params["type"] is not None and params["state"] == "present":
        refuse_misplaced(params, params["type"], label)  # before any request when the type is given
    found, idps = find_idp(client, params)
    first_read = [found]

    def read():
        # ensure() reads first: the IdP found above. Reads after a failed write look again.
        return first_read.pop() if first_read else find_idp(client, params)[0]

    present = params["state"] == "present"
    kind = params["type"] or (kind_of(found) if found is not None else None)
    used = []
    if present:
        if kind is None:
            raise ModuleFailure("Option 'type' is required to create %s, which does not exist yet" % label, missing_options=["type"])
        check_for_kind(params, kind, found, label)
        used = gate_options(client, params, SEED_ONLY, SEED_ONLY_SINCE, OLDER_API)
    guard_last_login_path(context, client, found, idps, label)

    desired = IDP_FIELDS.desired(params)
    desired["type"] = params["type"]
    if found is not None and kind == CROWD and kind_of(found) == CROWD and "client-id" not in found:
        # API-MAP 3.9 VERIFY: a server that keeps the Crowd application name elsewhere does not return it.
        desired["client_id"] = None
        if params["client_id"] is not None:
            context.warn("Bitbucket does not return the Crowd application name of %s, so client_id is sent on create only and not compared" % label)
    defaults = {"discovery_enabled": True} if kind == OIDC and params["discovery_enabled"] is None else {}
    secret_due = found is not None and sends_secret(params["client_secret"], params["update_secret"], creating=False)
    writes = IdpWrites(client, params, kind, defaults, secret_due, used)

    resource = Resource(
        read=read,
        create=writes.create,
        update=writes.update,
        delete=lambda current: client.delete(authconfig.idp_path(current["id"]), missing_ok=True),
        project=project,
    )
    changed, before, after, idp = ensure(context, resource, params["state"], desired, defaults=defaults, label=label)
    secret_sent = present and params["client_secret"] is not None and (found is None or secret_due)
    if present and writes.secret_due:
        # Nothing else to change, but update_secret=always sends the secret anyway (API-MAP Top trap 5).
        changed = True
        if not context.check_mode:
            idp = writes.send_secret(found)
    if context.check_mode and present:
        idp = writes.predicted(found, desired, before)
    elif present and changed and used:
        check_options_kept(client, used, IDP_FIELDS.project(idp, SAML), IDP_FIELDS.desired(params))
    return context.result(changed, before, after, idp=authconfig.idp_view(idp) or {}, secret_sent=bool(secret_sent))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
