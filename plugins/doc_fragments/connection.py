# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import connection_doc_fragment


class ModuleDocFragment(object):
    # Rendered from CONNECTION_OPTIONS, the table the argument spec and env fallbacks come from.
    DOCUMENTATION = connection_doc_fragment()
