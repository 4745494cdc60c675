"""The action plugins read a module's controller files (``CONTROLLER_FILES``) on the controller, on both paths."""

from __future__ import annotations

import types

from ansible.errors import AnsibleError

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_hook_script, bitbucket_project
from ansible_collections.bitbucket.datacenter.plugins.plugin_utils._runner import BitbucketActionBase


class FakeAction:
    """What _with_controller_files needs of an action plugin: the files search of ansible.builtin.copy."""

    def __init__(self, files):
        self.files = files
        self.searched = []

    def _find_needle(self, dirname, needle):
        self.searched.append((dirname, needle))
        if needle not in self.files:
            raise AnsibleError("Could not find or access '%s'" % needle)
        return self.files[needle]


def with_files(action, module, args):
    return BitbucketActionBase._with_controller_files(action, module, dict(args))


def test_src_is_read_on_the_controller_and_passed_as_content(tmp_path):
    script = tmp_path / "reject.sh"
    script.write_bytes("#!/bin/sh\necho größer\n".encode("utf-8"))
    action = FakeAction({"reject.sh": str(script)})

    args, failure = with_files(action, bitbucket_hook_script, {"name": "reject", "src": "reject.sh", "type": "PRE"})

    assert failure is None
    assert args == {"name": "reject", "type": "PRE", "content": "#!/bin/sh\necho größer\n"}
    # Looked up like ansible.builtin.copy's src: the role's and playbook's files/ first.
    assert action.searched == [("files", "reject.sh")]


def test_a_missing_file_fails_naming_the_option():
    args, failure = with_files(FakeAction({}), bitbucket_hook_script, {"name": "reject", "src": "missing.sh"})

    assert failure["failed"] is True
    assert failure["invalid_option"] == "src"
    assert failure["msg"].startswith("Invalid value for option 'src': cannot read missing.sh")
    assert args["src"] == "missing.sh"


def test_a_file_that_is_not_text_fails_naming_the_option(tmp_path):
    binary = tmp_path / "blob"
    binary.write_bytes(b"\xff\xfe\x00")

    _args, failure = with_files(FakeAction({"blob": str(binary)}), bitbucket_hook_script, {"name": "x", "src": "blob"})

    assert failure["invalid_option"] == "src"


def test_src_and_content_together_are_left_for_the_module_to_refuse():
    args, failure = with_files(FakeAction({}), bitbucket_hook_script, {"name": "x", "src": "a.sh", "content": "echo"})

    assert failure is None
    assert args == {"name": "x", "src": "a.sh", "content": "echo"}


def test_modules_without_controller_files_are_untouched():
    module = types.SimpleNamespace()
    assert with_files(FakeAction({}), module, {"src": "a"}) == ({"src": "a"}, None)
    assert not hasattr(bitbucket_project, "CONTROLLER_FILES")
