# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Rendered by tools/render_connection_fragment.py from CONNECTION_OPTIONS in
    # plugins/module_utils/_connection.py, the table the argument spec and the environment
    # fallbacks come from. Do not edit by hand.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - 'Base URL of Bitbucket Data Center, with the context path if it has one, for example C(https://bitbucket.example.com/bitbucket).'
      - 'The REST paths (C(/rest/...)) are added to it.'
      - 'If not set, the value of the E(BITBUCKET_URL) environment variable is used.'
    type: str
    required: true
  token:
    description:
      - 'HTTP access token, sent as C(Authorization: Bearer). Mutually exclusive with O(username) and O(password).'
      - 'Bitbucket does not let an access token create access tokens or change user accounts; use O(username) and O(password) for those.'
      - 'If not set, the value of the E(BITBUCKET_TOKEN) environment variable is used.'
    type: str
  username:
    description:
      - 'User name for HTTP basic authentication. Requires O(password).'
      - 'If not set, the value of the E(BITBUCKET_USERNAME) environment variable is used.'
    type: str
  password:
    description:
      - 'Password for HTTP basic authentication. Requires O(username).'
      - 'If not set, the value of the E(BITBUCKET_PASSWORD) environment variable is used.'
    type: str
  validate_certs:
    description:
      - 'Whether to verify the server''s TLS certificate.'
      - 'Leave it on outside of throw-away test instances; use O(ca_path) for a private CA.'
      - 'If not set, the value of the E(BITBUCKET_VALIDATE_CERTS) environment variable is used.'
    type: bool
    default: true
  ca_path:
    description:
      - 'Path to a PEM bundle of CA certificates that verifies the server certificate.'
      - 'If not set, the value of the E(BITBUCKET_CA_PATH) environment variable is used.'
    type: path
  timeout:
    description:
      - 'Seconds to wait for Bitbucket to connect and to answer one request.'
      - 'If not set, the value of the E(BITBUCKET_TIMEOUT) environment variable is used.'
    type: int
    default: 30
notes:
  - 'Authenticate with O(token), or with O(username) and O(password); there are no default credentials.'
  - 'Credentials set on the task win over the environment: a task that sets O(username) ignores E(BITBUCKET_TOKEN).'
  - 'E(BITBUCKET_TOKEN) is used only when the task sets none of O(token), O(username) and O(password).'
  - 'Set the connection once for a play or block with C(module_defaults) and C(group/bitbucket.datacenter.bitbucket).'
  - 'When the task''s connection is local, the module runs inside the Ansible worker process.'
  - 'Set the variable C(bitbucket_datacenter_in_process=false) to run it as an ordinary module instead.'
"""
