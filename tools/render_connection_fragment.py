"""Write plugins/doc_fragments/connection.py from CONNECTION_OPTIONS in plugins/module_utils/_connection.py.

The doc fragment must hold a literal string (ansible-test reads it without importing it), so it
is rendered from the table and committed; tests/unit/plugins/module_utils/test_connection_fragment.py
fails when the committed file and the table disagree. Run after changing a connection option:

  .venv/bin/python tools/render_connection_fragment.py
"""

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(REPO_ROOT, "plugins", "doc_fragments", "connection.py")

TEMPLATE = '''# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Rendered by tools/render_connection_fragment.py from CONNECTION_OPTIONS in
    # plugins/module_utils/_connection.py, the table the argument spec and the environment
    # fallbacks come from. Do not edit by hand.
    DOCUMENTATION = r"""
%s"""
'''


def render():
    sys.path.insert(0, os.path.join(REPO_ROOT, "build", "unit-collections"))
    from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import connection_doc_fragment

    return TEMPLATE % connection_doc_fragment()


def ensure_importable():
    """Make ``ansible_collections.bitbucket.datacenter`` importable from this checkout."""
    root = os.path.join(REPO_ROOT, "build", "unit-collections", "ansible_collections", "bitbucket")
    os.makedirs(root, exist_ok=True)
    link = os.path.join(root, "datacenter")
    if not os.path.exists(link):
        os.symlink(REPO_ROOT, link)


if __name__ == "__main__":
    ensure_importable()
    with open(FRAGMENT, "w", encoding="utf-8") as handle:
        handle.write(render())
    print("wrote %s" % FRAGMENT)
