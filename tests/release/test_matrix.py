"""The ansible-core matrix and what the collection claims: requires_ansible names the oldest release
tested, the newest is .venv's, and each matrix virtualenv pins the same test tools as .venv."""

import os
import re

from conftest import REPO_ROOT, runtime


def pins(path):
    with open(path, encoding="utf-8") as handle:
        return dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+)", handle.read()))


def makefile_variable(name):
    with open(os.path.join(REPO_ROOT, "Makefile"), encoding="utf-8") as handle:
        return re.search(r"(?m)^%s :?= *(.*)$" % name, handle.read()).group(1).split()


def minor(version):
    return tuple(int(part) for part in version.split(".")[:2])


def test_requires_ansible_names_the_oldest_release_tested():
    oldest = makefile_variable("CORE_OLDEST")[0]
    assert runtime()["requires_ansible"] == ">=%s.0" % oldest


def test_every_matrix_release_has_its_pinned_requirements():
    releases = makefile_variable("CORE_RELEASES")
    assert makefile_variable("CORE_OLDEST")[0] in releases
    files = sorted(name[len("core"):-len(".txt")] for name in os.listdir(os.path.join(REPO_ROOT, "requirements")) if re.match(r"core[\d.]+\.txt$", name))
    assert sorted(releases, key=minor) == sorted(files, key=minor)
    newest = pins(os.path.join(REPO_ROOT, "requirements-test.txt"))
    for release in releases:
        pinned = pins(os.path.join(REPO_ROOT, "requirements", "core%s.txt" % release))
        assert minor(pinned["ansible-core"]) == minor(release)
        assert minor(pinned["ansible-core"]) < minor(newest["ansible-core"]), "the newest release runs in .venv"
        shared = {name: version for name, version in pinned.items() if name != "ansible-core"}
        assert shared == {name: newest[name] for name in shared}, "core%s.txt pins the test tools differently from requirements-test.txt" % release


def test_the_matrix_covers_every_minor_release_between_the_oldest_and_the_newest():
    newest = minor(pins(os.path.join(REPO_ROOT, "requirements-test.txt"))["ansible-core"])
    releases = sorted(minor(release) for release in makefile_variable("CORE_RELEASES"))
    assert releases == [(2, number) for number in range(releases[0][1], newest[1])]
