"""FieldMap: flat options onto Bitbucket's (kebab-case, nested) field names, in one table."""

from __future__ import annotations

from ansible_collections.bitbucket.datacenter.plugins.module_utils._field_map import Field, FieldMap, as_set, unique

FIELDS = FieldMap([
    Field("enabled", "enabled"),
    Field("sso_url", "sso-url", kinds=["saml"]),
    Field("scopes", "additional-scopes", normalise=as_set, kinds=["oidc"], send=unique),
    Field("jit_email", "jit-configuration/mapping-email", kinds=["saml", "oidc"]),
    Field("jit_enabled", "jit-configuration/user-provisioning-enabled", kinds=["saml", "oidc"]),
])


def test_project_reads_nested_fields_by_option_name_for_one_kind():
    idp = {"enabled": True, "additional-scopes": ["b", "a", "b"], "jit-configuration": {"mapping-email": "mail"}, "sso-url": "x"}
    assert FIELDS.project(idp, "oidc") == {"enabled": True, "scopes": ["a", "b"], "jit_email": "mail", "jit_enabled": None}
    assert FIELDS.project(idp) == {"enabled": True, "sso_url": "x", "scopes": ["a", "b"], "jit_email": "mail", "jit_enabled": None}


def test_desired_normalises_what_is_set_and_leaves_the_rest_none():
    assert FIELDS.desired({"scopes": ["z", "a"], "enabled": False}) == {
        "enabled": False, "sso_url": None, "scopes": ["a", "z"], "jit_email": None, "jit_enabled": None}


def test_not_applicable_names_the_options_of_another_kind():
    assert FIELDS.not_applicable({"sso_url": "x", "scopes": None, "enabled": True}, "oidc") == ["sso_url"]


def test_to_api_sends_a_nested_object_whole_over_what_is_there():
    base = {"jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "old"}}
    body = FIELDS.to_api({"jit_email": "mail", "scopes": ["b", "a", "b"]}, base=base)
    assert body == {"jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "mail"}, "additional-scopes": ["b", "a"]}
    assert base["jit-configuration"]["mapping-email"] == "old"  # the server object is not touched
    assert FIELDS.to_api({"jit_enabled": False}) == {"jit-configuration": {"user-provisioning-enabled": False}}
