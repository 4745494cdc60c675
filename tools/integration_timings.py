"""Seconds each integration target took on each execution path, from the recorded task results.

usage: integration_timings.py build/integration
"""

import json
import os
import sys


def timings(path):
    per_target, previous = {}, None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            at = entry.get("at")
            if at is None:
                continue
            if previous is not None and entry.get("role"):
                per_target[entry["role"]] = per_target.get(entry["role"], 0.0) + at - previous
            previous = at
    return per_target


def main(directory):
    paths = {}
    for name in ("in_process", "module"):
        paths[name] = {}
        for file_name in sorted(os.listdir(directory)):
            if file_name.startswith("results-%s" % name) and file_name.endswith(".jsonl"):
                paths[name].update(timings(os.path.join(directory, file_name)))
    targets = sorted(set(paths["in_process"]) | set(paths["module"]), key=lambda name: -paths["in_process"].get(name, 0))
    print("%-36s %10s %10s" % ("target", "in_process", "module"))
    for target in targets:
        print("%-36s %9.1fs %9.1fs" % (target, paths["in_process"].get(target, 0), paths["module"].get(target, 0)))
    print("%-36s %9.1fs %9.1fs" % ("total", sum(paths["in_process"].values()), sum(paths["module"].values())))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/integration")
