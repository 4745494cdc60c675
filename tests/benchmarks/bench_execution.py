"""Per-task cost of the two execution paths, and of the same call through ansible.builtin.uri.

Runs one playbook three ways in one run, against an emulator served from this process:
  in_process  the collection's module, run in the worker by its action plugin (the default)
  module      the same module forced onto the ordinary path (a Python process per task)
  uri         the equivalent GET written with ansible.builtin.uri (also a process per task)
Each variant runs N iterations of one looped task; a callback times that task alone, so the
fixed cost of starting ansible-playbook is left out, and the per-task cost is its time over N. Request counts come from the
emulator's counters. A benchmark, not a test: it prints numbers and asserts nothing about time.

  python tests/benchmarks/bench_execution.py --collections build/collections [--tasks 50] [--latency-ms 0]
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Project read
      bitbucket.datacenter.bitbucket_project_info:
        url: "{{ url }}"
        username: admin
        password: admin
        key: BENCH
      loop: "{{ range(iterations | int) | list }}"
      when: variant != 'uri'
    - name: Project read with uri
      ansible.builtin.uri:
        url: "{{ url }}/rest/api/latest/projects/BENCH"
        user: admin
        password: admin
        force_basic_auth: true
      loop: "{{ range(iterations | int) | list }}"
      when: variant == 'uri'
"""


def call(url, method="GET", body=None, auth=None):
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def run_playbook(playbook, collections, url, variant, iterations, timer_file):
    """Seconds spent in the looped task of ``variant``."""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="task_timer",
        TASK_TIMER_FILE=timer_file,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        BITBUCKET_DATACENTER_IN_PROCESS="false" if variant == "module" else "true",
    )
    extra = json.dumps({"url": url, "variant": variant, "iterations": iterations})
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", playbook, "-e", extra]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit("ansible-playbook failed for %s:\n%s\n%s" % (variant, completed.stdout[-3000:], completed.stderr[-3000:]))
    with open(timer_file, encoding="utf-8") as handle:
        durations = json.load(handle)
    return durations["Project read with uri" if variant == "uri" else "Project read"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections", required=True, help="a directory holding ansible_collections/bitbucket/datacenter")
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=0, help="latency the emulator adds to every answer")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % server.server_port
    admin = "Basic YWRtaW46YWRtaW4="
    call(url + "/rest/api/latest/projects", "POST", {"key": "BENCH", "name": "Benchmark"}, auth=admin)
    if args.latency_ms:
        call(url + "/_emulator/faults", "POST", {"latency_ms": args.latency_ms})

    with tempfile.TemporaryDirectory() as workdir:
        playbook = os.path.join(workdir, "bench.yml")
        with open(playbook, "w", encoding="utf-8") as handle:
            handle.write(PLAYBOOK)
        rows = []
        timer_file = os.path.join(workdir, "timings.json")
        for variant in ("in_process", "module", "uri"):
            call(url + "/_emulator/requests", "DELETE")
            seconds = run_playbook(playbook, args.collections, url, variant, args.tasks, timer_file)
            counters = call(url + "/_emulator/counters")
            per_task_ms = seconds * 1000.0 / args.tasks
            rows.append((variant, per_task_ms, counters["total"] / args.tasks))
    server.shutdown()

    base = rows[0][1]
    print("per-task cost, %d tasks, emulator latency %d ms, ansible-core in %s" % (args.tasks, args.latency_ms, sys.prefix))
    print("%-12s %12s %14s %12s" % ("variant", "ms per task", "requests/task", "vs in_process"))
    for variant, per_task_ms, requests_per_task in rows:
        print("%-12s %12.1f %14.2f %11.1fx" % (variant, per_task_ms, requests_per_task, per_task_ms / base))


if __name__ == "__main__":
    main()
