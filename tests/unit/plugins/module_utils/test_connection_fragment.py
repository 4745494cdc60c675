"""The committed connection doc fragment is the one rendered from CONNECTION_OPTIONS."""

import os

import yaml

from ansible_collections.bitbucket.datacenter.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    connection_argument_spec,
    connection_doc_fragment,
)


def test_committed_fragment_matches_the_table():
    assert yaml.safe_load(ModuleDocFragment.DOCUMENTATION) == yaml.safe_load(connection_doc_fragment()), (
        "plugins/doc_fragments/connection.py is out of date: run .venv/bin/python tools/render_connection_fragment.py"
    )


def test_fragment_documents_every_option_as_the_spec_declares_it():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = connection_argument_spec()
    assert sorted(documented) == sorted(spec) == sorted(CONNECTION_OPTIONS)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("required", False) == option.get("required", False), name
        assert doc.get("default") == option.get("default"), name
        env_var = CONNECTION_OPTIONS[name][1]
        assert env_var.startswith("BITBUCKET_")
        assert any("E(%s)" % env_var in line for line in doc["description"]), name


def test_secrets_are_no_log():
    spec = connection_argument_spec()
    assert spec["token"]["no_log"] is True
    assert spec["password"]["no_log"] is True


def test_fragment_file_is_a_literal_string():
    # ansible-test reads doc fragments without importing them: the value must be a literal.
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "doc_fragments", "connection.py")
    with open(path, encoding="utf-8") as handle:
        assert 'DOCUMENTATION = r"""' in handle.read()
