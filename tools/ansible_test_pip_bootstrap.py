"""Stand-in for the pip bootstrap script that ansible-test downloads from its own file server.

ansible-test creates a virtual environment per sanity test and bootstraps pip into it with a
`get-pip.py` that it downloads from a host outside the Python package index. Where only the
package index is reachable, this script does the same job with the standard library's
`ensurepip`, then installs the requested packages (pip itself at ansible-test's pinned version)
from the package index. `tools/sanity.sh` places it in ansible-test's cache.
"""

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that pip itself does not know.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")

if __name__ == "__main__":
    ensurepip.bootstrap()
    # ensurepip hides pip's configuration files from itself by setting PIP_CONFIG_FILE in this
    # process; the install below must see them (index, certificates), as any other pip run does.
    environment = {name: value for name, value in os.environ.items() if name != "PIP_CONFIG_FILE"}
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + arguments, env=environment)
