#!/usr/bin/env python3
"""A stand-in SMS provider for tests: a real HTTP endpoint, standard library only.

    sms_sink.py --port N --log FILE

Every POST (other than /_control) is recorded, then answered. A record is one JSON line in FILE:
    {"path": "/sms", "authorization": "Bearer t" or null, "content_type": "application/json",
     "idempotency_key": "<42.outbox@…>" or null, "body": "<the raw body, as text>",
     "json": <the body parsed, or null>, "status": <the status answered>}
The answer's status is the next one scripted by POST /_control, then 200 forever (or the
"failing" status while one is set); 2xx answers carry {"id": "sms-N"}, others
{"error": "scripted status N"}. The record gets the status it was answered with ("status").

    POST /_control {"statuses": [500, 200]}   statuses for the next POSTs, in order
    POST /_control {"failing": 500}           answer 500 to every POST until {"failing": null}
    POST /_control {"delay_ms": 2000}         wait this long before answering each POST (0: none)
    POST /_control {"clear": true}            forget recorded messages (FILE is truncated)
    GET  /_messages                           the records so far, as a JSON list

Keys of one _control body can be combined. Prints "ready" on stdout once listening; exits on
SIGTERM or SIGINT.
"""
import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink:
    def __init__(self, log_path):
        self.lock = threading.Lock()
        self.log_path = log_path
        self.statuses = []
        self.failing = None
        self.delay_ms = 0
        self.messages = []
        self.count = 0
        open(log_path, "a", encoding="utf-8").close()

    def record(self, entry):
        with self.lock:
            status = self.statuses.pop(0) if self.statuses else (self.failing or 200)
            entry["status"] = status
            self.messages.append(entry)
            self.count += 1
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return status, self.delay_ms, self.count

    def control(self, command):
        with self.lock:
            if command.get("clear"):
                self.messages = []
                open(self.log_path, "w", encoding="utf-8").close()
            if "statuses" in command:
                statuses = command["statuses"]
                if not isinstance(statuses, list) or not all(
                        isinstance(s, int) and 100 <= s <= 599 for s in statuses):
                    raise ValueError("statuses must be a list of HTTP statuses")
                self.statuses = list(statuses)
            if "failing" in command:
                failing = command["failing"]
                if failing is not None and not (isinstance(failing, int) and 100 <= failing <= 599):
                    raise ValueError("failing must be an HTTP status or null")
                self.failing = failing
            if "delay_ms" in command:
                delay = command["delay_ms"]
                if not isinstance(delay, int) or delay < 0:
                    raise ValueError("delay_ms must be a non-negative integer")
                self.delay_ms = delay

    def snapshot(self):
        with self.lock:
            return list(self.messages)


def make_handler(sink):
    class Handler(BaseHTTPRequestHandler):
        server_version = "sms-sink/1"

        def log_message(self, format, *args):  # keep test output quiet
            pass

        def answer(self, status, payload):
            body = json.dumps(payload).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test): nothing to answer

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def do_GET(self):
            if self.path == "/_messages":
                self.answer(200, sink.snapshot())
            else:
                self.answer(404, {"error": "not found"})

        def do_POST(self):
            raw = self.read_body()
            if self.path == "/_control":
                try:
                    command = json.loads(raw.decode("utf-8") or "{}")
                    if not isinstance(command, dict):
                        raise ValueError("expected a JSON object")
                    sink.control(command)
                except (ValueError, UnicodeDecodeError) as error:
                    self.answer(400, {"error": str(error)})
                    return
                self.answer(200, {"ok": True})
                return
            text = raw.decode("utf-8", errors="replace")
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            status, delay_ms, number = sink.record({
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "body": text,
                "json": parsed,
            })
            if delay_ms:
                time.sleep(delay_ms / 1000.0)
            if 200 <= status <= 299:
                self.answer(status, {"id": "sms-%d" % number})
            else:
                self.answer(status, {"error": "scripted status %d" % status})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    sink = Sink(args.log)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sink))
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
