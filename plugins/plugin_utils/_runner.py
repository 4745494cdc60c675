# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs a collection module's ``run(context)`` inside the Ansible worker process.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Starting a Python process for a module costs about 300 ms a task; the module's HTTP calls
cost a few. API modules almost always run against the controller, so when a task's
connection is local, the action plugin of the same name imports the module and calls its
``run(context)`` here, with:

- the arguments validated by the module's own argument spec (module_defaults are already
  merged into the task's arguments by the executor; environment fallbacks read the task's
  ``environment:``);
- check mode and diff mode taken from the task;
- every ``no_log`` value masked in the result, as AnsibleModule masks it.

When the task runs on a remote host, or the variable ``bitbucket_datacenter_in_process``
(or the controller's environment variable ``BITBUCKET_DATACENTER_IN_PROCESS``) is false, or
``requests`` cannot be imported on the controller, the module executes the normal way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import importlib
import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ModuleArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import ConnectionOptionError, resolve_connection
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleContext, execute, module_kwargs, validation_message

display = Display()

IN_PROCESS_VARIABLE = "bitbucket_datacenter_in_process"
IN_PROCESS_ENV = "BITBUCKET_DATACENTER_IN_PROCESS"
LOCAL_TRANSPORTS = frozenset(("local", "ansible.builtin.local", "ansible.legacy.local"))


@contextlib.contextmanager
def patched_environ(environment):
    """The task's ``environment:`` in ``os.environ`` for the duration of the block.

    Environment fallbacks (``BITBUCKET_URL``...) read ``os.environ``. A worker process runs
    one task, so the change is confined to this task and undone afterwards anyway.
    """
    saved = {name: os.environ.get(name) for name in environment}
    try:
        for name, value in environment.items():
            os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class BitbucketActionBase(ActionBase):
    """Action plugin base shared by every module of the collection."""

    _supports_check_mode = True
    _supports_async = False

    def _module_import_path(self):
        # This plugin lives at ...plugins.action.<name>; its module at ...plugins.modules.<name>.
        package, _sep, name = self.__class__.__module__.rpartition(".plugins.action.")
        return "%s.plugins.modules.%s" % (package, name)

    def _runs_in_process(self, task_vars):
        if not HAS_REQUESTS:
            return False
        transport = getattr(self._connection, "transport", None) or getattr(self._connection, "_load_name", None)
        if transport not in LOCAL_TRANSPORTS:
            return False
        switch = task_vars.get(IN_PROCESS_VARIABLE) if task_vars else None
        if switch is None:
            switch = os.environ.get(IN_PROCESS_ENV, "true")
        else:
            switch = self._templar.template(switch)
        try:
            return check_type_bool(switch)
        except TypeError as exc:
            raise AnsibleError("%s must be a boolean, got %r" % (IN_PROCESS_VARIABLE, switch)) from exc

    def _task_environment(self):
        environment = {}
        try:
            self._compute_environment_string(raw_environment_out=environment)
        except TypeError:  # ansible-core without raw_environment_out: no task environment to honour
            return {}
        return environment

    def run(self, tmp=None, task_vars=None):
        result = super(BitbucketActionBase, self).run(tmp, task_vars)
        del tmp  # unused, kept for the ActionBase signature
        task_vars = task_vars or {}
        module = importlib.import_module(self._module_import_path())
        args, failure = self._with_controller_files(module, dict(self._task.args))
        if failure is not None:
            result.update(failure)
        elif self._runs_in_process(task_vars):
            result.update(self._run_in_process(module, args))
        else:
            result.update(self._execute_module(module_name=self._task.action, module_args=args, task_vars=task_vars))
        if any(key in result for key in getattr(module, "ONE_TIME_SECRETS", ())):
            # A secret Bitbucket shows once (a new access token) is returned for register, but the
            # task's output is hidden as if it had no_log. A module cannot set this itself: Ansible
            # strips _ansible_* keys from module results.
            result["_ansible_no_log"] = True
        return result

    def _with_controller_files(self, module, args):
        """The task's arguments with the files a module reads on the controller replaced by their text.

        A module lists them as ``CONTROLLER_FILES = {"src": "content"}``: the file named by ``src`` is looked
        up like ansible.builtin.copy's (the role's and playbook's ``files/`` first) and read here, on the
        controller, then passed as ``content``, on both execution paths. Returns ``(args, failure)``.
        """
        for option, target in getattr(module, "CONTROLLER_FILES", {}).items():
            if args.get(option) is None or args.get(target) is not None:
                continue  # nothing to read, or both given: the module's own rules refuse that
            try:
                path = self._find_needle("files", args[option])
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8")
            except (AnsibleError, OSError, UnicodeDecodeError) as exc:
                return args, dict(failed=True, msg="Invalid value for option '%s': cannot read %s: %s" % (option, args[option], exc), invalid_option=option)
            del args[option]
            args[target] = text
        return args, None

    def _run_in_process(self, module, args):
        spec = module_kwargs(module.MODULE_SPEC)
        validator = ModuleArgumentSpecValidator(
            spec["argument_spec"],
            spec["mutually_exclusive"],
            spec["required_together"],
            spec["required_one_of"],
            spec["required_if"],
            spec["required_by"],
        )
        with patched_environ(self._task_environment()):
            validation = validator.validate(dict(args))
            no_log_values = validation._no_log_values
            params = validation.validated_parameters
            try:
                first_error = validation.errors[0]
            except IndexError:
                first_error = None
            connection_error = None
            if first_error is None:
                try:
                    no_log_values.update(resolve_connection(params, os.environ))
                except ConnectionOptionError as exc:
                    connection_error = dict(failed=True, msg=str(exc), invalid_option=exc.option)

        if connection_error is not None:
            return self._finish(connection_error, params, no_log_values, [])
        if first_error is not None:
            # The same message the module path (run_module) gives for the same mistake.
            msg = validation_message(validation.errors)
            if isinstance(first_error, UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (self._task.action, msg)
            return self._finish(dict(failed=True, msg=msg), params, no_log_values, [])

        context = ModuleContext(params, check_mode=self._task.check_mode, diff=self._task.diff, verbosity=display.verbosity)
        result = execute(module.run, context, module.MODULE_SPEC)
        return self._finish(result, params, no_log_values, context.warnings)

    @staticmethod
    def _finish(result, params, no_log_values, warnings):
        result["invocation"] = {"module_args": params}
        if warnings:
            result["warnings"] = list(warnings)
        # As AnsibleModule._return_formatted: booleans and None survive the masking.
        preserved = {key: value for key, value in result.items() if value is None or isinstance(value, bool)}
        result = remove_values(result, no_log_values)
        result.update(preserved)
        return result
