"""Command line: serve the emulator on a loopback address until SIGTERM or SIGINT.

    PYTHONPATH=tests/emulator python -m bitbucket_emulator --host 127.0.0.1 --port 7990

Prints exactly one line, ``bitbucket emulator listening on http://HOST:PORT``, once the socket is
bound (``--port 0`` picks a free port and the line shows the real one).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import socket
import sys

from werkzeug.serving import make_server

from .app import DEFAULT_VERSION, create_app
from .web import DEFAULT_MAX_PAGE_LIMIT, parse_version


def _is_loopback(host):
    """True when every address ``host`` resolves to is a loopback address (DESIGN: bound to loopback)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    addresses = {info[4][0].split("%", 1)[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(address).is_loopback for address in addresses)


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="bitbucket_emulator", description="Bitbucket Data Center REST API emulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7990, help="TCP port; 0 picks a free one (default 7990)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every REST answer, in milliseconds")
    parser.add_argument("--max-page-limit", type=int, default=DEFAULT_MAX_PAGE_LIMIT, help="server-side cap on page sizes")
    parser.add_argument("--quiet", action="store_true", help="do not log each request to stderr")
    parser.add_argument("--version", dest="bitbucket_version", default=DEFAULT_VERSION,
                        help=f"the Bitbucket version to claim; endpoints newer than it answer 404 (default {DEFAULT_VERSION})")
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) file; needs --tls-key")
    parser.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    parser.add_argument("--record", metavar="FILE", help="also append every request-log entry to FILE as a JSON line; resets do not clear it")
    return parser.parse_args(argv)


def _stop(signum, frame):
    raise SystemExit(0)


def main(argv=None):
    args = _parse_args(argv)
    if not _is_loopback(args.host):
        sys.stderr.write(f"refusing to bind to {args.host}: the emulator only listens on loopback addresses\n")
        return 2
    if args.latency_ms < 0 or args.max_page_limit < 1:
        sys.stderr.write("--latency-ms must be >= 0 and --max-page-limit >= 1\n")
        return 2
    try:
        parse_version(args.bitbucket_version)
    except ValueError as exc:
        sys.stderr.write(f"--version: {exc}\n")
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        sys.stderr.write("--tls-cert and --tls-key go together\n")
        return 2
    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(max_page_limit=args.max_page_limit, latency_ms=args.latency_ms, record_path=args.record, version=args.bitbucket_version)
    ssl_context = (args.tls_cert, args.tls_key) if args.tls_cert else None
    server = make_server(args.host, args.port, app, threaded=True, ssl_context=ssl_context)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    host = args.host if ":" not in args.host else f"[{args.host}]"
    scheme = "https" if ssl_context else "http"
    sys.stdout.write(f"bitbucket emulator listening on {scheme}://{host}:{server.server_port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
