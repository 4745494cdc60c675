"""The changelog: fragments that lint, and a 1.0.0 release that antsibull-changelog can cut from them.

The release itself is not cut here (it deletes the fragments: ``keep_fragments: false``); it is cut
in a copy of the collection, and the copy's CHANGELOG.rst is checked.
"""

import ast
import os
import re

import yaml
from conftest import BIN, REPO_ROOT, galaxy, run

RELEASE = "1.0.0"
MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
FRAGMENTS_DIR = os.path.join(REPO_ROOT, "changelogs", "fragments")


def changelog_env():
    # antsibull-changelog runs ansible-doc to find the plugins and their version_added.
    return dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))


def module_documentation(name):
    with open(os.path.join(MODULES_DIR, name + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "DOCUMENTATION" for target in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError("%s has no DOCUMENTATION" % name)


def modules():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))


def fragment_entries():
    entries = []
    for name in sorted(os.listdir(FRAGMENTS_DIR)):
        with open(os.path.join(FRAGMENTS_DIR, name), encoding="utf-8") as handle:
            for section, items in (yaml.safe_load(handle) or {}).items():
                entries.extend((name, section, item) for item in (items if isinstance(items, list) else [items]))
    return entries


def test_the_fragments_lint():
    completed = run([os.path.join(BIN, "antsibull-changelog"), "lint"], cwd=REPO_ROOT, env=changelog_env())
    assert completed.stdout.strip() == "", completed.stdout


def test_the_fragments_are_kept_until_the_release_is_cut():
    # Other changes keep adding fragments until every branch has landed; only the release removes them.
    assert fragment_entries(), "no changelog fragment in changelogs/fragments"


def test_every_module_is_new_in_a_release_the_changelog_knows():
    with open(os.path.join(REPO_ROOT, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
        released = set((yaml.safe_load(handle) or {}).get("releases") or {})
    upcoming = galaxy()["version"]
    for name in modules():
        added = str(module_documentation(name)["version_added"])
        assert added in released | {upcoming}, (
            "%s has version_added %s, but the next release is %s (galaxy.yml) and the released ones are %s: a new module "
            "is announced in the changelog of the release whose version it names" % (name, added, upcoming, sorted(released) or "none"))


def test_the_client_announces_the_collection_version():
    with open(os.path.join(REPO_ROOT, "plugins", "module_utils", "_client.py"), encoding="utf-8") as handle:
        agent = re.search(r'(?m)^USER_AGENT = "([^"]+)"', handle.read()).group(1)
    assert agent == "bitbucket.datacenter-ansible/%s" % galaxy()["version"]


def test_a_release_generates_the_changelog_from_the_fragments(collection_copy):
    galaxy_file = collection_copy / "galaxy.yml"
    galaxy_file.write_text(re.sub(r"(?m)^version: .*$", "version: %s" % RELEASE, galaxy_file.read_text(encoding="utf-8")), encoding="utf-8")

    run([os.path.join(BIN, "antsibull-changelog"), "release", "--version", RELEASE, "--date", "2026-12-01"],
        cwd=str(collection_copy), env=changelog_env())

    changelog = (collection_copy / "CHANGELOG.rst").read_text(encoding="utf-8")
    assert re.search(r"(?m)^v%s\n=+$" % re.escape(RELEASE), changelog)
    flattened = " ".join(changelog.split())
    for fragment, section, entry in fragment_entries():
        if section == "trivial":
            # changelogs/config.yaml trivial_section_name: kept in changelog.yaml, never rendered.
            continue
        assert " ".join(entry.split()) in flattened, "%s (%s) is missing from CHANGELOG.rst" % (fragment, section)
    new_modules = changelog.split("New Modules", 1)[1] if "New Modules" in changelog else ""
    for name in modules():
        assert "bitbucket.datacenter.%s" % name in new_modules, "%s is not announced under New Modules" % name
    released = yaml.safe_load((collection_copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    assert RELEASE in released["releases"]
    assert not list((collection_copy / "changelogs" / "fragments").glob("*.yml")), "the release consumes the fragments"
    assert fragment_entries(), "the repository's own fragments are untouched"
