"""The onboarding benchmark: project_onboarding at company size, against hand-written uri and the floor.

Workload: P projects, each with R repositories, 8 grants (4 users, 4 groups), 4 branch restrictions,
2 access keys and 1 access token, against the emulator with a latency on every request. Four
variants, measured in one run, each from the same seeded, empty instance:

  in_process  the project_onboarding role, its modules run in the worker (the default)
  module      the same role, every module on the ordinary path (a Python process per task)
  uri         the same workload written with ansible.builtin.uri (onboarding/uri_baseline.yml): one
              list read per collection, compared, then only the writes that are needed
  floor       Ansible's own cost for as many task runs as the in-process run made (a debug task
              each, onboarding/floor.yml), plus the minimum requests times the latency

Each variant converges twice: first on the empty instance, then again (the no-op run). Times are
wall-clock times of whole ansible-playbook runs; reads and writes come from the emulator's counters.
After each first converge the instance is checked against the workload, so no variant is fast by
doing less. The report goes to --out as report.md, results.json and chart.png (when matplotlib is
installed). With --check, it fails unless every variant left the instance exactly as declared and its no-op
run changed nothing and sent 0 writes; times and the read ratio are reported, never asserted.

  python tests/benchmarks/bench_onboarding.py --collections build/collections [--projects 50] [--repositories 10]
      [--latency-ms 20] [--variants in_process,module,uri,floor] [--out build/bench] [--check]
"""

import argparse
import base64
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

ADMIN = "Basic " + base64.b64encode(b"admin:admin").decode()
USERS = ["bench-user-%d" % number for number in range(1, 5)]
GROUPS = ["bench-group-%d" % number for number in range(1, 5)]
PROJECT_PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN", "PROJECT_READ"]
RESTRICTIONS = [
    {"type": "no-deletes", "branch": "main"},
    {"type": "fast-forward-only", "branch": "main"},
    {"type": "pull-request-only", "branch": "main"},
    {"type": "no-deletes", "pattern": "release/*"},
]
VARIANTS = ("in_process", "module", "uri", "floor")


def ssh_public_key():
    """A fresh ed25519 public key in OpenSSH form (every access key must be new to the instance)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    public = ed25519.Ed25519PrivateKey.generate().public_key()
    return public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def workload(projects, repositories):
    """The project_onboarding variables of the benchmark."""
    declared = []
    for number in range(1, projects + 1):
        key = "BENCH%03d" % number
        declared.append({
            "key": key,
            "name": "Benchmark %d" % number,
            "description": "Benchmark project %d" % number,
            "users": [{"name": user, "permission": permission} for user, permission in zip(USERS, PROJECT_PERMISSIONS)],
            "groups": [{"name": group, "permission": permission} for group, permission in zip(GROUPS, PROJECT_PERMISSIONS)],
            "branch_restrictions": [dict(restriction) for restriction in RESTRICTIONS],
            "access_keys": [
                {"key": ssh_public_key(), "label": "%s-deploy" % key.lower(), "permission": "PROJECT_READ"},
                {"key": ssh_public_key(), "label": "%s-release" % key.lower(), "permission": "PROJECT_WRITE"},
            ],
            "access_tokens": [{"name": "ci", "permissions": ["PROJECT_READ", "REPO_READ"]}],
            "repositories": [{"name": "repository-%02d" % index} for index in range(1, repositories + 1)],
        })
    return declared


def minimum_requests(declared):
    """The fewest requests that do the work, from what the REST API offers (counted per run).

    First converge, on an instance without the projects: one read per project (its 404 says that
    nothing under it exists), then one write per object, except that one PUT grants a permission
    to several users (or groups) at once and one bulk POST adds all the restrictions of a scope.
    No-op converge: one read per collection of each project (the project, its repositories, user
    grants, group grants, restrictions, access keys, tokens; each fits in one page), and no write.
    """
    first_reads = first_writes = noop_reads = 0
    for project in declared:
        first_reads += 1
        first_writes += 1 + len(project["repositories"])
        first_writes += len({grant["permission"] for grant in project["users"]})
        first_writes += len({grant["permission"] for grant in project["groups"]})
        first_writes += 1 if project["branch_restrictions"] else 0
        first_writes += len(project["access_keys"]) + len(project["access_tokens"])
        noop_reads += 7
    return {"first": {"reads": first_reads, "writes": first_writes}, "noop": {"reads": noop_reads, "writes": 0}}


def call(url, method="GET", body=None, query=None):
    if query:
        url += "?" + urllib.parse.urlencode(query, doseq=True)
    data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": ADMIN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def seed(url, latency_ms):
    """A fresh instance with the benchmark's users and groups, the latency on, the counters at 0."""
    call(url + "/_emulator/reset", "POST", {})
    for user in USERS:
        call(url + "/rest/api/latest/admin/users", "POST",
             query={"name": user, "displayName": user, "emailAddress": user + "@example.com", "password": "Bench-pw-1"})
    for group in GROUPS:
        call(url + "/rest/api/latest/admin/groups", "POST", query={"name": group})
    if latency_ms:
        call(url + "/_emulator/faults", "POST", {"latency_ms": latency_ms})
    call(url + "/_emulator/requests", "DELETE")


def counters(url):
    answer = call(url + "/_emulator/counters")
    return {"reads": answer["total"] - answer["writes"], "writes": answer["writes"]}


def verify(url, declared):
    """Problems with the instance after a first converge: what the workload declares must be there, once."""
    call(url + "/_emulator/faults", "DELETE")
    problems = []

    def listed(path):
        return call(url + path, query={"limit": 1000})["values"]

    for project in declared:
        key = project["key"]
        names = sorted(repo["name"] for repo in listed("/rest/api/latest/projects/%s/repos" % key))
        if names != sorted(repo["name"] for repo in project["repositories"]):
            problems.append("%s repositories: %s" % (key, names))
        users = {entry["user"]["name"]: entry["permission"] for entry in listed("/rest/api/latest/projects/%s/permissions/users" % key)}
        if any(users.get(grant["name"]) != grant["permission"] for grant in project["users"]):
            problems.append("%s user grants: %s" % (key, users))
        groups = {entry["group"]["name"]: entry["permission"] for entry in listed("/rest/api/latest/projects/%s/permissions/groups" % key)}
        if groups != {grant["name"]: grant["permission"] for grant in project["groups"]}:
            problems.append("%s group grants: %s" % (key, groups))
        restrictions = sorted((entry["type"], entry["matcher"]["id"]) for entry in listed("/rest/branch-permissions/latest/projects/%s/restrictions" % key))
        wanted = sorted((entry["type"], "refs/heads/" + entry["branch"] if "branch" in entry else entry["pattern"]) for entry in project["branch_restrictions"])
        if restrictions != wanted:
            problems.append("%s restrictions: %s" % (key, restrictions))
        keys = sorted(" ".join(entry["key"]["text"].split()[:2]) for entry in listed("/rest/keys/latest/projects/%s/ssh" % key))
        if keys != sorted(entry["key"] for entry in project["access_keys"]):
            problems.append("%s access keys: %d of %d" % (key, len(keys), len(project["access_keys"])))
        tokens = sorted(entry["name"] for entry in listed("/rest/access-tokens/latest/projects/%s" % key))
        if tokens != sorted(entry["name"] for entry in project["access_tokens"]):
            problems.append("%s tokens: %s" % (key, tokens))
    return problems


def run_playbook(playbook, collections, extra_vars_file, variant, workdir, name):
    """Seconds of one ansible-playbook run, and its task-run counts."""
    runs_file = os.path.join(workdir, "%s-%s-runs.json" % (variant, name))
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="task_runs",
        TASK_RUNS_FILE=runs_file,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING="false",
        BITBUCKET_DATACENTER_IN_PROCESS="false" if variant == "module" else "true",
    )
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", playbook, "-e", "@" + extra_vars_file]
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    with open(os.path.join(workdir, "%s-%s.log" % (variant, name)), "w", encoding="utf-8") as handle:
        handle.write(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        sys.exit("ansible-playbook failed for %s (%s run):\n%s\n%s" % (variant, name, completed.stdout[-4000:], completed.stderr[-3000:]))
    with open(runs_file, encoding="utf-8") as handle:
        return seconds, json.load(handle)


def measure(variant, url, collections, declared, latency_ms, workdir):
    """First and no-op converge of one variant: seconds, reads, writes, task runs."""
    seed(url, latency_ms)
    extra = os.path.join(workdir, "vars-%s.json" % variant)
    with open(extra, "w", encoding="utf-8") as handle:
        json.dump({"bitbucket_projects": declared, "bb_url": url, "bb_username": "admin", "bb_password": "admin"}, handle)
    playbook = os.path.join(HERE, "onboarding", "uri_baseline.yml" if variant == "uri" else "collection.yml")
    result = {}
    for name in ("first", "noop"):
        seconds, runs = run_playbook(playbook, collections, extra, variant, workdir, name)
        result[name] = dict(counters(url), seconds=round(seconds, 2), task_runs=runs["runs"], changed=runs["changed"])
        if name == "first":
            result["problems"] = verify(url, declared)
            if latency_ms:
                call(url + "/_emulator/faults", "POST", {"latency_ms": latency_ms})
        call(url + "/_emulator/requests", "DELETE")
    return result


def report(args, results, minimum, out):
    os.makedirs(out, exist_ok=True)
    latency = args.latency_ms / 1000.0
    if "floor" in results:
        # The floor: Ansible's cost for the in-process run's task runs, plus the minimum requests' latency.
        for name in ("first", "noop"):
            floor = results["floor"][name]
            floor["seconds"] = round(floor["seconds"] + (minimum[name]["reads"] + minimum[name]["writes"]) * latency, 2)
            floor.update(reads=minimum[name]["reads"], writes=minimum[name]["writes"])
    lines = [
        "# Onboarding benchmark",
        "",
        "%d projects x %d repositories, 8 grants, 4 restrictions, 2 access keys and 1 token each; emulator latency %d ms per request." % (
            args.projects, args.repositories, args.latency_ms),
        "Measured %s on %s (%d CPUs), Python %s, ansible-core from %s." % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.platform(), os.cpu_count() or 0, platform.python_version(), sys.prefix),
        "",
        "| variant | first converge | no-op converge | first reads / writes | no-op reads / writes | task runs (first / no-op) |",
        "|---|---|---|---|---|---|",
    ]
    for variant, result in results.items():
        first, noop = result["first"], result["noop"]
        lines.append("| %s | %.1f s | %.1f s | %d / %d | %d / %d | %d / %d |" % (
            variant, first["seconds"], noop["seconds"], first["reads"], first["writes"], noop["reads"], noop["writes"], first["task_runs"], noop["task_runs"]))
    lines.append("| minimum requests | | | %d / %d | %d / %d | |" % (
        minimum["first"]["reads"], minimum["first"]["writes"], minimum["noop"]["reads"], minimum["noop"]["writes"]))
    lines += ["", "## Ratios and targets", ""]
    targets = []
    base = results.get("in_process")
    if base:
        noop = base["noop"]
        targets.append(("no-op run sends 0 writes", noop["writes"] == 0, "%d writes" % noop["writes"]))
        ratio = noop["reads"] / float(minimum["noop"]["reads"])
        targets.append(("no-op reads at most 1.1 x the minimum", ratio <= 1.1, "%.2f x (%d / %d)" % (ratio, noop["reads"], minimum["noop"]["reads"])))
        if "uri" in results:
            for name, goal in (("first", 10), ("noop", 15)):
                ratio = results["uri"][name]["seconds"] / base[name]["seconds"]
                targets.append(("%s converge at least %d x faster than uri" % (name, goal), ratio >= goal, "%.1f x" % ratio))
        if "floor" in results:
            for name in ("first", "noop"):
                ratio = base[name]["seconds"] / results["floor"][name]["seconds"]
                targets.append(("%s converge within 1.3 x the floor" % name, ratio <= 1.3, "%.2f x" % ratio))
        if "module" in results:
            for name in ("first", "noop"):
                targets.append(("%s converge: module path / in process" % name, None, "%.1f x" % (results["module"][name]["seconds"] / base[name]["seconds"])))
    for label, met, value in targets:
        lines.append("- %s: %s%s" % (label, value, "" if met is None else (" (met)" if met else " (NOT met)")))
    for variant, result in results.items():
        for problem in result.get("problems", []):
            lines.append("- %s left the instance wrong: %s" % (variant, problem))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as handle:
        json.dump({"arguments": vars(args), "minimum": minimum, "results": results,
                   "targets": [{"target": label, "met": met, "value": value} for label, met, value in targets]}, handle, indent=2)
    chart(results, os.path.join(out, "chart.png"))
    return text, targets


def chart(results, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        print("matplotlib is not installed: no chart")
        return
    variants = list(results)
    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    width = 0.38
    positions = range(len(variants))
    axes.bar([p - width / 2 for p in positions], [results[v]["first"]["seconds"] for v in variants], width, label="first converge")
    axes.bar([p + width / 2 for p in positions], [results[v]["noop"]["seconds"] for v in variants], width, label="no-op converge")
    axes.set_xticks(list(positions))
    axes.set_xticklabels(variants)
    axes.set_ylabel("seconds (log scale)")
    axes.set_yscale("log")
    axes.set_title("project_onboarding benchmark")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections", required=True, help="a directory holding ansible_collections/bitbucket/datacenter")
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--repositories", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "build", "bench"))
    parser.add_argument("--check", action="store_true", help="fail unless every variant converged exactly and the request-count targets are met")
    args = parser.parse_args()
    variants = [variant for variant in VARIANTS if variant in args.variants.split(",")]

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % server.server_port
    declared = workload(args.projects, args.repositories)
    minimum = minimum_requests(declared)
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for variant in variants:
            if variant == "floor":
                if "in_process" not in results:
                    continue
                print("== floor", flush=True)
                runs = {name: results["in_process"][name]["task_runs"] for name in ("first", "noop")}
                results["floor"] = {name: measure_floor(args.collections, workdir, name, runs[name]) for name in runs}
                continue
            print("== %s" % variant, flush=True)
            results[variant] = measure(variant, url, args.collections, declared, args.latency_ms, workdir)
    server.shutdown()
    text, targets = report(args, results, minimum, args.out)
    print(text)
    print("report: %s" % os.path.join(args.out, "report.md"))
    if args.check:
        wrong = [problem for result in results.values() for problem in result.get("problems", [])]
        # The read target is reported, not asserted: see the report's ratio.
        missed = [label for label, met, _value in targets if met is False and "writes" in label]
        missed += ["%s's no-op run changed %d tasks" % (variant, result["noop"]["changed"]) for variant, result in results.items()
                   if variant != "floor" and result["noop"]["changed"]]
        if wrong or missed:
            sys.exit("benchmark check failed: %s" % "; ".join(wrong + missed))


def measure_floor(collections, workdir, name, task_runs):
    """Ansible's own cost for ``task_runs`` task runs (the harness adds the minimum requests' latency)."""
    extra = os.path.join(workdir, "vars-floor-%s.json" % name)
    with open(extra, "w", encoding="utf-8") as handle:
        json.dump({"task_runs": task_runs}, handle)
    seconds, runs = run_playbook(os.path.join(HERE, "onboarding", "floor.yml"), collections, extra, "floor", workdir, name)
    return {"reads": 0, "writes": 0, "seconds": round(seconds, 2), "task_runs": runs["runs"], "changed": runs["changed"]}


if __name__ == "__main__":
    main()
