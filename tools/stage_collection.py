"""Copy the collection's files to DEST/ansible_collections/bitbucket/datacenter for ansible-test.

ansible-test needs the collection at a path ending in ansible_collections/<namespace>/<name>.
The copy holds the files git knows (tracked, and untracked but not ignored), as they are in
the working tree, plus a fresh git index so that ansible-test lists the same files.
"""

import os
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    dest_root = os.path.abspath(sys.argv[1])
    target = os.path.join(dest_root, "ansible_collections", "bitbucket", "datacenter")
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO_ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")
    files = [name for name in listing.split("\0") if name and os.path.isfile(os.path.join(REPO_ROOT, name))]
    if os.path.isdir(target):
        shutil.rmtree(target)
    for name in files:
        destination = os.path.join(target, name)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(os.path.join(REPO_ROOT, name), destination)
    # ansible-test lists a collection's files through git when it is a repository.
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    print("staged %d files in %s" % (len(files), target))


if __name__ == "__main__":
    main()
