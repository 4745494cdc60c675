"""A repository record as the answers that embed one show it: labelables, Mesh migration previews and searches.

spec RestRepository / RestLabelable / RestMigrationRepository.repository, in the key order of the
seed 003 ``labeled`` example. The emulator keeps repositories as bare records (state.Repository), so
the fields it does not model take the values of a fresh repository: available, forkable, not archived.
"""

from __future__ import annotations

import hashlib


def repository_rest(ctx, project, repo):
    """RestRepository of ``repo`` in ``project``."""
    return {
        "name": repo.name,
        "id": repo.id,
        "state": "AVAILABLE",
        "public": repo.public,
        # spec example "e3c939f9ef4a7fae272e": 20 hex digits, stable for a repository and its forks.
        "hierarchyId": hashlib.sha1(f"repository-{repo.id}".encode()).hexdigest()[:20],
        "statusMessage": "Available",
        "archived": False,
        "forkable": True,
        "project": project.to_rest(ctx.base_url),
        "scmId": "git",
        "slug": repo.slug,
        "scope": "REPOSITORY",
        "links": {"self": [{"href": f"{ctx.base_url}projects/{project.key}/repos/{repo.slug}/browse"}]},
    }


def labelable_rest(ctx, project, repo):
    """RestLabelable: a repository that carries ``labelableType`` (spec: the only type is REPOSITORY)."""
    return {"labelableType": "REPOSITORY", **repository_rest(ctx, project, repo)}
