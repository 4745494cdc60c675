"""Start, stop and query the Bitbucket DC emulator for make targets.

Also the engine of `ansible-playbook bitbucket.datacenter.emulator` (playbooks/emulator.yml), which runs
it from an installed collection: paths are found from this file's place, never from the working directory.

Usage:
  emulator_ctl.py start --port PORT --state-dir DIR [--version V] [--latency-ms N]
                                                      start in the background, wait until it answers;
                                                      every request is recorded in DIR/requests.jsonl.
                                                      When the emulator DIR names already answers on PORT,
                                                      says so and leaves it running
  emulator_ctl.py stop --state-dir DIR                stop it (no error when it is not running)
  emulator_ctl.py save-requests --state-dir DIR --out F
                                                      save every recorded request, across resets, as the
                                                      /_emulator/requests payload {"requests": [...]}
  emulator_ctl.py reset --port PORT                   back to the seed (POST /_emulator/reset)
  emulator_ctl.py dump-requests --port PORT --out F   save the requests since the last reset
                                                      (GET /_emulator/requests)
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_TIMEOUT_S = 30


def _pidfile(state_dir):
    return os.path.join(state_dir, "emulator.pid")


def _answers(port):
    url = "http://127.0.0.1:%d/rest/api/latest/application-properties" % port
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _running_pid(state_dir):
    """The pid in DIR's pidfile when that process is alive, else None."""
    try:
        with open(_pidfile(state_dir), encoding="utf-8") as handle:
            pid = int(handle.read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def start(args):
    os.makedirs(args.state_dir, exist_ok=True)
    if _answers(args.port):
        pid = _running_pid(args.state_dir)
        if pid is not None:
            print("emulator already running on http://127.0.0.1:%d (pid %d)" % (args.port, pid))
            return
        sys.exit("something already answers on 127.0.0.1:%d; stop it or choose another port (PORT=...)" % args.port)
    options = []
    if args.version:
        options += ["--version", args.version]
    if args.latency_ms:
        options += ["--latency-ms", str(args.latency_ms)]
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO_ROOT, "tests", "emulator"))
    log = open(os.path.join(args.state_dir, "emulator.log"), "ab")  # noqa: SIM115  # pylint: disable=consider-using-with  # the child keeps it
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # runs after this script exits
        [
            sys.executable, "-m", "bitbucket_emulator", "--host", "127.0.0.1", "--port", str(args.port),
            "--record", os.path.join(args.state_dir, "requests.jsonl"),
        ] + options,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    with open(_pidfile(args.state_dir), "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the emulator exited with %s; see %s/emulator.log" % (process.returncode, args.state_dir))
        if _answers(args.port):
            print("emulator ready on http://127.0.0.1:%d (pid %d)" % (args.port, process.pid))
            return
        time.sleep(0.1)
    process.terminate()
    sys.exit("the emulator did not answer within %ds; see %s/emulator.log" % (READY_TIMEOUT_S, args.state_dir))


def stop(args):
    try:
        with open(_pidfile(args.state_dir), encoding="utf-8") as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
        print("stopped the emulator (pid %d)" % pid)
        for _attempt in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.remove(_pidfile(args.state_dir))


def save_requests(args):
    records = []
    for state_dir in args.state_dir:
        path = os.path.join(state_dir, "requests.jsonl")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                records.extend(json.loads(line) for line in handle if line.strip())
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"requests": records}, handle)
    print("saved %d recorded requests to %s" % (len(records), args.out))


def reset(args):
    request = urllib.request.Request("http://127.0.0.1:%d/_emulator/reset" % args.port, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def dump_requests(args):
    with urllib.request.urlopen("http://127.0.0.1:%d/_emulator/requests" % args.port, timeout=60) as response:
        payload = response.read()
    with open(args.out, "wb") as handle:
        handle.write(payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start_parser = sub.add_parser("start")
    start_parser.add_argument("--port", type=int, required=True)
    start_parser.add_argument("--state-dir", required=True)
    start_parser.add_argument("--version", help="the Bitbucket version the emulator claims")
    start_parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every REST answer")
    stop_parser = sub.add_parser("stop")
    stop_parser.add_argument("--state-dir", required=True)
    save_parser = sub.add_parser("save-requests")
    save_parser.add_argument("--state-dir", required=True, action="append", help="repeat to save the requests of several emulators")
    save_parser.add_argument("--out", required=True)
    reset_parser = sub.add_parser("reset")
    reset_parser.add_argument("--port", type=int, required=True)
    dump_parser = sub.add_parser("dump-requests")
    dump_parser.add_argument("--port", type=int, required=True)
    dump_parser.add_argument("--out", required=True)
    args = parser.parse_args()
    {"start": start, "stop": stop, "save-requests": save_requests, "reset": reset, "dump-requests": dump_requests}[args.command](args)


if __name__ == "__main__":
    main()
