# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.plugin_utils._runner import BitbucketActionBase


class ActionModule(BitbucketActionBase):
    """Runs the module of the same name in the worker process when the connection is local."""
