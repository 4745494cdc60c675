"""`make docs`: the collection's HTML docs site, with antsibull-docs and Sphinx, offline.

  build_docs.py --collections build/collections --dest build/docs

1. ``antsibull-docs collection`` writes the reStructuredText of the staged collection (every module,
   role and plugin found in it, the guides of docs/docsite/extra-docs.yml, the environment variables)
   into DEST/rst.
2. A guide whose page in docs/docsite/rst/ says ``.. source: <file>`` (a Markdown page of the
   repository) or ``.. source: README.md <marker>`` (the part of the README between
   ``<!-- <marker>:start -->`` and ``<!-- <marker>:end -->``) is replaced by that Markdown, with the
   guide's label and title: the repository's Markdown stays the single source of those pages, and the
   pages in docs/docsite/rst/ stay plain reStructuredText that ``antsibull-docs lint-collection-docs``
   checks.
3. Sphinx builds DEST/html with the Ansible theme and MyST for the Markdown, warnings as errors. No
   intersphinx: the build reaches nothing on the network.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = "bitbucket.datacenter"

CONF_PY = '''\
# Written by tools/build_docs.py for `make docs`.
project = "bitbucket.datacenter"
copyright = "bitbucket.datacenter contributors"
title = "bitbucket.datacenter collection documentation"
html_short_title = "bitbucket.datacenter"
extensions = ["sphinx_antsibull_ext", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3
# Links between the Markdown pages of the repository (to files the site does not hold) stay text.
suppress_warnings = ["myst.xref_missing"]
pygments_style = "ansible"
highlight_language = "YAML+Jinja"
html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
default_role = "any"
nitpicky = True
'''


# Labels of the Ansible documentation that antsibull-docs' pages refer to. A build with intersphinx
# resolves them on docs.ansible.com; offline, a page of links out stands in for them. A new one shows
# as an "undefined label" warning of the build: add it here.
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/latest/"
ANSIBLE_LABELS = {
    "action_plugins": ("Action plugins", "plugins/action.html"),
    "common_return_values": ("Return values common to all modules", "reference_appendices/common_return_values.html"),
    "ansible_configuration_settings": ("Ansible configuration settings", "reference_appendices/config.html"),
}


def ansible_references():
    lines = [":orphan:", "", "Ansible documentation", "=====================", "",
             "Pages of the Ansible documentation these pages refer to.", ""]
    for label, (title, path) in sorted(ANSIBLE_LABELS.items()):
        lines += [".. _%s:" % label, "", title, "-" * len(title), "", "`%s <%s%s>`__" % (title, ANSIBLE_DOCS, path), ""]
    return "\n".join(lines)


SOURCE = re.compile(r"^\.\. source: (\S+)(?: (\S+))?\s*$", re.MULTILINE)
LABEL = re.compile(r"^\.\. _([^:]+):\s*$", re.MULTILINE)
TITLE = re.compile(r"^(\S.*)\n=+\s*$", re.MULTILINE)
HEADING = re.compile(r"^(#+) ", re.MULTILINE)


def markdown_page(stub):
    """The Markdown that replaces a guide whose reStructuredText names its source; None for other pages."""
    source = SOURCE.search(stub)
    if not source:
        return None
    path, marker = source.groups()
    with open(os.path.join(REPO_ROOT, path), encoding="utf-8") as handle:
        text = handle.read()
    title = TITLE.search(stub).group(1)
    if marker:
        start, end = "<!-- %s:start -->" % marker, "<!-- %s:end -->" % marker
        if start not in text or end not in text:
            raise SystemExit("%s has no %s ... %s section" % (path, start, end))
        text = text.split(start, 1)[1].split(end, 1)[0]
        # The section's headings become the page's second level, under the guide's title.
        depth = min((len(match.group(1)) for match in HEADING.finditer(text)), default=2)
        text = HEADING.sub(lambda match: "#" * (len(match.group(1)) - depth + 2) + " ", text)
        text = "# %s\n%s" % (title, text)
    return "(%s)=\n\n%s" % (LABEL.search(stub).group(1), text.lstrip())


def use_markdown_sources(rst):
    for folder, _dirs, files in os.walk(rst):
        for name in files:
            if not name.endswith(".rst"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                page = markdown_page(handle.read())
            if page is not None:
                os.remove(path)
                with open(path[:-4] + ".md", "w", encoding="utf-8") as handle:
                    handle.write(page)


def run(command, **kwargs):
    print("+ " + " ".join(command))
    subprocess.run(command, check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections", required=True, help="the directory that holds ansible_collections/bitbucket/datacenter")
    parser.add_argument("--dest", required=True, help="the build directory; the site lands in DEST/html")
    args = parser.parse_args()
    dest = os.path.abspath(args.dest)
    rst = os.path.join(dest, "rst")
    html = os.path.join(dest, "html")
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(rst)
    # antsibull-docs writes only into a directory that nobody else may write to.
    os.chmod(rst, 0o755)
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections), PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    run([os.path.join(bin_dir, "antsibull-docs"), "collection", "--use-current", "--squash-hierarchy", "--cleanup", "everything",
         "--dest-dir", rst, COLLECTION], env=env)
    use_markdown_sources(rst)
    with open(os.path.join(rst, "ansible_references.rst"), "w", encoding="utf-8") as handle:
        handle.write(ansible_references())
    with open(os.path.join(dest, "conf.py"), "w", encoding="utf-8") as handle:
        handle.write(CONF_PY)
    run([os.path.join(bin_dir, "sphinx-build"), "-b", "html", "-W", "--keep-going", "-q", "-c", dest, rst, html], env=env)
    check_site(html)
    print("docs site: %s" % os.path.join(html, "index.html"))


def check_site(html):
    """Every module, role and guide has its page: a plugin that antsibull-docs skipped fails the build."""
    expected = ["index.html"]
    expected += ["%s_module.html" % name[:-3] for name in os.listdir(os.path.join(REPO_ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_")]
    roles = os.path.join(REPO_ROOT, "roles")
    if os.path.isdir(roles):
        expected += ["%s_role.html" % name for name in os.listdir(roles) if os.path.isfile(os.path.join(roles, name, "meta", "argument_specs.yml"))]
    with open(os.path.join(REPO_ROOT, "docs", "docsite", "extra-docs.yml"), encoding="utf-8") as handle:
        expected += ["docsite/%s.html" % name for name in re.findall(r"^\s+- (\w+)\s*$", handle.read(), re.MULTILINE)]
    missing = [name for name in expected if not os.path.isfile(os.path.join(html, name))]
    if missing:
        raise SystemExit("the docs site lacks %s" % ", ".join(missing))


if __name__ == "__main__":
    main()
