#!/usr/bin/env python3
"""A notification receiver for the e2e scenarios: an HTTP server on loopback that records every
POST it gets (time, path, Idempotency-Key header, JSON body) as one JSON line in --record, and
writes the port it listens on to --port-file once it listens.

  --mode ok      answer 200 to everything (default)
  --mode hang    read the request and never answer (a receiver that hangs)
  --mode fail-first N   answer 503 to the first N requests, then 200 (retries with backoff)
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--record", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--mode", default="ok", choices=["ok", "hang", "fail-first"])
parser.add_argument("--fail-count", type=int, default=0)
args = parser.parse_args()

lock = threading.Lock()
seen = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global seen
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body
        with lock:
            seen += 1
            status = 503 if args.mode == "fail-first" and seen <= args.fail_count else 200
            with open(args.record, "a") as out:
                out.write(json.dumps({"time": time.time(), "path": self.path,
                                      "idempotencyKey": self.headers.get("Idempotency-Key", ""),
                                      "answered": None if args.mode == "hang" else status,
                                      "body": parsed}) + "\n")
        if args.mode == "hang":
            time.sleep(3600)
            return
        answer = b'{"ok": %s}' % (b"false" if status != 200 else b"true")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402

os.replace(args.port_file + ".tmp", args.port_file)
server.serve_forever()
