#!/usr/bin/env python3
"""A minimal Lambda Runtime API on loopback, independent of the project's code.

Starts FUNCTION with AWS_LAMBDA_RUNTIME_API pointing here, hands it each event file in turn via
GET /next (with the Runtime API's headers), records what it posts back, then answers /next with
500 so the function exits. Prints one JSON object: what was posted for each event, the
function's exit status, and timings.

  runtime-api-server.py [--repeat N] [--delay-first SECONDS] FUNCTION EVENT_FILE...

Used by the tests (the real URLSession client against a real socket) and by the benchmarks
(the Runtime API round trip per invocation).
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    repeat, delay_first = 1, 0.0
    while args and args[0].startswith("--"):
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--repeat":
            repeat = int(value)
        elif flag == "--delay-first":
            delay_first = float(value)
    function, event_files = args[0], args[1:]
    events = [open(path, "rb").read() for path in event_files] * repeat
    posted, timings = [], []
    state = {"next": 0, "handed_at": 0.0, "connections": set()}
    done = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without this, Nagle and the client's delayed
        # ACK add 40 ms to every answer.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_GET(self):
            state["connections"].add(self.client_address)
            if self.path != "/2018-06-01/runtime/invocation/next":
                return self.answer(404, b'{"errorMessage":"not found"}')
            index = state["next"]
            if index == 0 and delay_first:
                time.sleep(delay_first)
            if index >= len(events):
                done.set()
                return self.answer(500, b'{"errorMessage":"no more events","errorType":"Runtime.Stop"}')
            state["next"] += 1
            state["handed_at"] = time.perf_counter()
            self.answer(200, events[index], {
                "Lambda-Runtime-Aws-Request-Id": f"request-{index}",
                "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 3000),
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:test",
                "Lambda-Runtime-Trace-Id": f"Root=1-00000000-{index:024d}",
            })

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            timings.append(time.perf_counter() - state["handed_at"])
            parts = self.path.split("/")
            kind = parts[-1]
            entry = {"path": self.path, "kind": kind, "body": body.decode(errors="replace"),
                     "errorType": self.headers.get("Lambda-Runtime-Function-Error-Type")}
            posted.append(entry)
            self.answer(202, b'{"status":"OK"}')

        def answer(self, status, body, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    environment = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
    process = subprocess.Popen([function], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, stderr = process.communicate(timeout=60 + delay_first)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    server.shutdown()
    timings.sort()
    print(json.dumps({
        "exitStatus": process.returncode,
        "posted": posted[:50],
        "postedCount": len(posted),
        "connections": len(state["connections"]),
        "roundTripMicroseconds": {"min": round(timings[0] * 1e6, 1), "median": round(timings[len(timings) // 2] * 1e6, 1)} if timings else None,
        "logLines": len(stderr.decode().splitlines()),
    }))


main()
