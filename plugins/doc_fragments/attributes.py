# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Attributes of a state module.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  idempotent:
    description:
      - When run twice in a row with the same arguments, the second run reports no change and sends no write request.
    support: full
"""

    # Attributes of a read-only module.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads, so it behaves the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details:
      - This module never changes anything.
  idempotent:
    description:
      - When run twice in a row with the same arguments, the second run reports no change and sends no write request.
    support: full
"""

    # Membership of the action group, for module_defaults.
    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/bitbucket.datacenter.bitbucket) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bitbucket.datacenter.bitbucket
"""
