# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The owner of HTTP access tokens: OWNER_ARGUMENT_SPEC in plugins/module_utils/_access_tokens.py.
    DOCUMENTATION = r"""
options:
  user:
    description:
      - Slug of the user who owns personal tokens. Mutually exclusive with O(project).
    type: str
  project:
    description:
      - Key of the project that owns project tokens, or that holds O(repository).
    type: str
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository that owns repository tokens. Requires O(project).
    type: str
    aliases: [repository_slug]
"""
