#!/usr/bin/python3
"""Serves the reference portal (this folder) as a static site, for ./scripts/run and the browser tests.

    serve.py [--listen 127.0.0.1:8081] [--api http://127.0.0.1:8080] [--brand MGEN]

Files of this folder as any web server serves them (no listing), plus what a deployment of the
portal should do too:
- /config.js says where the API is (--api) and the brand (--brand); config.js beside this file is
  what a plain static server serves instead;
- every answer carries Content-Security-Policy (this origin's scripts and styles only, no inline
  code, API calls to the API's origin only, no framing), Referrer-Policy: no-referrer (links
  carry tokens), X-Content-Type-Options: nosniff and Cache-Control: no-cache.
Standard library only (Debian's python3). Prints its address once it listens; stops on SIGTERM.
"""
import argparse
import functools
import http.server
import json
import os
import signal
import sys
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def origin_of(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        sys.exit(f"--api: not an http(s) URL: {url}")
    return f"{parts.scheme}://{parts.netloc}"


def handler_class(config_js, api_origin):
    policy = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src {api_origin}",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ])

    class Handler(http.server.SimpleHTTPRequestHandler):
        server_version = "guichet-portal"
        sys_version = ""

        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def do_GET(self):
            if config_js is not None and urllib.parse.urlsplit(self.path).path == "/config.js":
                body = config_js.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/javascript; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def list_directory(self, path):
            self.send_error(404)
            return None

        def log_message(self, format, *args):  # quiet: the API's log is the one to read
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8081", help="address:port")
    parser.add_argument("--api", default=None, help="the API's base URL, as the browser reaches it")
    parser.add_argument("--brand", default=None)
    args = parser.parse_args()

    host, _, port = args.listen.rpartition(":")
    config_js = None
    api_origin = origin_of(args.api or "http://127.0.0.1:8080")
    if args.api or args.brand:
        config = {"apiBase": args.api or "http://127.0.0.1:8080", "brand": args.brand or "MGEN"}
        config_js = "// Written by serve.py.\nexport default " + json.dumps(config, ensure_ascii=False) + ";\n"

    handler = functools.partial(handler_class(config_js, api_origin), directory=HERE)
    try:
        server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler)
    except OSError as error:
        sys.exit(f"portal: cannot listen on {args.listen}: {error.strerror}")
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"portal on http://{host or '127.0.0.1'}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
