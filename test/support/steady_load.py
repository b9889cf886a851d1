#!/usr/bin/python3
"""A steady load for the graceful-shutdown test: standard library only.

    steady_load.py --base URL --seconds S --threads N --login JSON --log FILE

Each thread keeps one HTTP/1.1 connection and sends, in turn, POST /v1/sessions with the JSON
body (a login: an Argon2id hash in flight) and GET /health/live, until S seconds have passed.
It reconnects when the server says `Connection: close`. Every request is one JSON line in FILE:
    {"t": <epoch seconds when sent>, "path": ..., "outcome": "answered" | "refused" | "dropped",
     "status": <HTTP status or null>, "error": <text or null>}
"answered" is a whole answer (status line, headers and a body of its Content-Length that parses
as JSON); "refused" is a connection the server did not accept; "dropped" is a request sent on an
accepted connection without a whole answer: what a graceful shutdown must never do.
Prints a summary as JSON on stdout.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def worker(base, deadline, login, records, lock):
    url = urllib.parse.urlsplit(base)
    connection = None
    turn = 0
    while time.time() < deadline:
        path, method, body = (("/v1/sessions", "POST", login) if turn % 2 == 0 else ("/health/live", "GET", None))
        turn += 1
        record = {"t": time.time(), "path": path, "outcome": None, "status": None, "error": None}
        if connection is None:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            try:
                connection.connect()
            except ConnectionRefusedError as error:
                record.update(outcome="refused", error=str(error))
                connection = None
                with lock:
                    records.append(record)
                time.sleep(0.02)
                continue
        try:
            headers = {"Content-Type": "application/json"} if body else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            json.loads(payload.decode("utf-8"))
            record.update(outcome="answered", status=response.status)
            if (response.getheader("Connection") or "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException, ValueError) as error:
            record.update(outcome="dropped", error=f"{type(error).__name__}: {error}")
            connection.close()
            connection = None
        with lock:
            records.append(record)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--login", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()

    records, lock = [], threading.Lock()
    deadline = time.time() + args.seconds
    threads = [threading.Thread(target=worker, args=(args.base, deadline, args.login, records, lock))
               for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records.sort(key=lambda r: r["t"])
    with open(args.log, "w", encoding="utf-8") as log:
        for r in records:
            log.write(json.dumps(r) + "\n")
    summary = {"answered": 0, "refused": 0, "dropped": 0}
    for r in records:
        summary[r["outcome"]] += 1
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
