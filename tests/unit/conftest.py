"""Unit-test setup shared by everything under tests/unit: make the collection importable.

The collection's code imports itself as ``ansible_collections.bitbucket.datacenter...``. When the
repository is not already checked out at ``.../ansible_collections/bitbucket/datacenter`` (as
``ansible-test`` arranges), a symlink ``build/unit-collections/ansible_collections/bitbucket/datacenter``
pointing at the repository root is made once and its top directory is put first on ``sys.path``.
Paths come from this file's location, so the repository may be cloned anywhere. Nothing is installed,
and ``build/`` is ignored by git and by pytest's collection.

The fixtures of the plugin tests live in ``tests/unit/plugins/conftest.py``, next to the tests that use them.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NAMESPACE, NAME = "bitbucket", "datacenter"


def _collections_root(repo_root):
    """The directory that holds ``ansible_collections/bitbucket/datacenter`` for this checkout."""
    if repo_root.name == NAME and repo_root.parent.name == NAMESPACE and repo_root.parent.parent.name == "ansible_collections":
        return repo_root.parents[2]
    root = repo_root / "build" / "unit-collections"
    namespace_dir = root / "ansible_collections" / NAMESPACE
    namespace_dir.mkdir(parents=True, exist_ok=True)
    link = namespace_dir / NAME
    if not (link.is_symlink() and link.resolve() == repo_root):
        # Replace atomically: parallel workers (pytest-xdist) may get here at the same time.
        temp = namespace_dir / (".%s-%s" % (NAME, uuid.uuid4().hex))
        os.symlink(str(repo_root), str(temp), target_is_directory=True)
        os.replace(str(temp), str(link))
    return root


COLLECTIONS_ROOT = _collections_root(REPO_ROOT)
if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))
