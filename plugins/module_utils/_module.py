# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Module glue: the run context, the error-to-failure rule, results and diffs.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Every module writes its logic once as ``run(context)``. The same function runs in two
ways: inside the Ansible worker through the collection's action plugins
(``plugins/plugin_utils/_runner.py``), or as an ordinary module through
:func:`run_module`. Both build a :class:`ModuleContext` and call :func:`execute`, so
both produce the same result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules, kept for import sanity
    from urlparse import urlsplit  # type: ignore

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    BitbucketError,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import (
    MUTUALLY_EXCLUSIVE,
    ConnectionOptionError,
    client_from_params,
    connection_argument_spec,
    resolve_connection,
)

# The request trace is returned at this Ansible verbosity (-vvv) and above.
TRACE_VERBOSITY = 3

SECRET_PLACEHOLDER = "********"


class ModuleFailure(Exception):
    """A failure the module explains itself: bad input, an ambiguous match, a refused change."""

    def __init__(self, msg, **details):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.details = details


def invalid_option(option, problem):
    """The failure for bad input: names the option, raised before anything is written."""
    return ModuleFailure("Invalid value for option '%s': %s" % (option, problem), invalid_option=option)


# Bitbucket's ids, counts, sizes and days are Java ints (32 bits): a larger number is refused before any request,
# where Bitbucket would answer a 400 that names no option, or take it as an overflowed value.
INT_MIN = -(2 ** 31)
INT_MAX = 2 ** 31 - 1


def check_integer_ranges(argument_spec, params):
    """Refuse an ``int`` option (also one of the elements of a list of dictionaries) outside 32 bits, naming it."""
    for name, spec in argument_spec.items():
        value = params.get(name)
        if value is None:
            continue
        if spec.get("type") == "int":
            _check_int(name, value)
        elif spec.get("type") == "list" and spec.get("elements") == "dict" and spec.get("options") and isinstance(value, list):
            for number, element in enumerate(value, 1):
                for sub_name, sub_spec in spec["options"].items():
                    if sub_spec.get("type") == "int" and isinstance(element, dict) and element.get(sub_name) is not None:
                        _check_int("%s[].%s" % (name, sub_name), element[sub_name], "item %d: " % number)


def _check_int(option, value, where=""):
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        raise invalid_option(option, "%s%d is out of range: Bitbucket takes numbers from %d to %d" % (where, value, INT_MIN, INT_MAX))


def http_url_problem(url):
    """Why ``url`` is not an absolute http:// or https:// URL (a host, a numeric port, no blank), or None."""
    if any(char.isspace() or ord(char) < 32 for char in url):
        return "%r holds a blank or a control character" % url
    parts = urlsplit(url)
    try:
        _port = parts.port
    except ValueError:
        return "%r has a port that is not a number" % url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "%r is not an http:// or https:// URL with a host" % url
    return None


def module_kwargs(module_spec):
    """Keyword arguments for AnsibleModule (or the in-process validator) from a module's spec.

    ``module_spec`` holds the module's own ``argument_spec`` and optional
    ``mutually_exclusive``, ``required_together``, ``required_one_of``, ``required_if`` and
    ``required_by``; the connection options and their rules are added here, once (the
    credentials' environment fallbacks are applied afterwards by :func:`resolve_connection`).
    """
    argument_spec = connection_argument_spec()
    argument_spec.update(copy.deepcopy(module_spec["argument_spec"]))
    return dict(
        argument_spec=argument_spec,
        mutually_exclusive=MUTUALLY_EXCLUSIVE + list(module_spec.get("mutually_exclusive", [])),
        required_together=list(module_spec.get("required_together", [])),
        required_one_of=list(module_spec.get("required_one_of", [])),
        required_if=list(module_spec.get("required_if", [])),
        required_by=dict(module_spec.get("required_by", {})),
        supports_check_mode=True,
    )


class ModuleContext:
    """What ``run(context)`` sees: validated parameters, modes, warnings and the client."""

    def __init__(self, params, check_mode=False, diff=False, verbosity=0, client_factory=client_from_params):
        self.params = params
        self.check_mode = bool(check_mode)
        self.diff = bool(diff)
        self.verbosity = verbosity
        self.warnings = []
        self.trace = [] if verbosity >= TRACE_VERBOSITY else None
        self._client_factory = client_factory
        self._client = None

    @property
    def client(self):
        """One client, and so one pooled HTTP session, per module run."""
        if self._client is None:
            self._client = self._client_factory(self.params, trace=self.trace.append if self.trace is not None else None)
            if self.params.get("validate_certs") is False:
                self.warn(
                    "validate_certs is false: the TLS certificate of %s is not verified, so the credentials could go to anyone "
                    "in between; set ca_path to the CA bundle that signed it instead" % self.params.get("url")
                )
        return self._client

    def warn(self, message):
        self.warnings.append(message)

    def fail(self, msg, **details):
        raise ModuleFailure(msg, **details)

    def result(self, changed, before=None, after=None, **values):
        """A state module's result, with ``diff`` when the task runs in diff mode.

        ``before`` and ``after`` are the managed fields of the real resource (``None`` when
        it does not exist); secrets must be masked by the caller.
        """
        result = dict(changed=bool(changed))
        result.update(values)
        if self.diff:
            result["diff"] = dict(before=before if before is not None else {}, after=after if after is not None else {})
        return result

    def writes_made(self):
        """Whether a write of this run succeeded: a task that fails after one still changed something."""
        return self._client is not None and getattr(self._client, "writes", 0) > 0

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None


def execute(run, context, module_spec=None):
    """Run a module's logic and turn every expected failure into a failed result.

    The single place where errors become results: Bitbucket's answer (method, path,
    status, message) or the module's own explanation, never a traceback. With ``module_spec``,
    numbers out of Bitbucket's range are refused first, before any request.
    """
    try:
        if module_spec is not None:
            check_integer_ranges(module_spec["argument_spec"], context.params)
        result = run(context)
    except BitbucketError as exc:
        result = dict(failed=True, changed=context.writes_made(), msg=str(exc))
        result.update({key: value for key, value in exc.details().items() if value is not None})
    except ModuleFailure as exc:
        result = dict(failed=True, changed=context.writes_made(), msg=exc.msg)
        result.update(exc.details)
    finally:
        context.close()
    if context.trace is not None:
        result["http_trace"] = context.trace
    return result


def validation_message(errors):
    """The message of the first real argument-validation error.

    Ansible lists a ``NoLogError`` first when a list of dictionaries holds a string ("dictionary
    requested, could not parse JSON or key=value"), which names no option; the error after it does.
    """
    for error in errors:
        if type(error).__name__ != "NoLogError":
            return error.msg
    return errors.msg


class _BitbucketModule(AnsibleModule):
    """AnsibleModule whose argument-validation failure names the option, as the in-process path does."""

    def fail_json(self, msg=None, **kwargs):
        result = getattr(self, "validation_result", None)
        if result is not None and result.error_messages and msg == result.errors.msg:
            msg = validation_message(result.errors)
        super(_BitbucketModule, self).fail_json(msg=msg, **kwargs)


def run_module(module_spec, run):
    """``main()`` of every module: the ordinary execution path, through AnsibleModule."""
    module = _BitbucketModule(**module_kwargs(module_spec))
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        module.no_log_values.update(resolve_connection(module.params, os.environ))
    except ConnectionOptionError as exc:
        module.fail_json(msg=str(exc), invalid_option=exc.option)
    context = ModuleContext(
        module.params,
        check_mode=module.check_mode,
        diff=module._diff,
        verbosity=module._verbosity,
    )
    result = execute(run, context, module_spec)
    for warning in context.warnings:
        module.warn(warning)
    if result.pop("failed", False):
        msg = result.pop("msg")
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)


def mask_secrets(data, keys):
    """A copy of ``data`` with the values of ``keys`` replaced, for diffs and returns."""
    if data is None:
        return None
    masked = dict(data)
    for key in keys:
        if masked.get(key) is not None:
            masked[key] = SECRET_PLACEHOLDER
    return masked


def changed_fields(current, desired):
    """The desired fields, set by the user (not ``None``), whose value differs from current."""
    return {key: value for key, value in desired.items() if value is not None and current.get(key) != value}
