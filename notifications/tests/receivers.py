"""A real HTTP receiver on loopback for the webhook and robot tests.

It records every request (method, path, query, headers, raw body) and answers from a
script: each answer is a status code, a (status, JSON) pair, or a callable taking the
request and returning one of those. When the script runs out it answers 200 ``{}``.
It can stall (accept and never answer, until unstalled), stop (connection refused) and
start again on the same port, like the SMTP server of test_smtp_faults.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    script: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def __post_init__(self):
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self.port = 0
        self.server = None
        self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.handle(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def stall(self):
        self.stalled.set()

    def unstall(self):
        self.stalled.clear()

    def handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        parts = urlsplit(handler.path)
        request = Request(
            method=handler.command,
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length),
        )
        if self.stalled.is_set():
            self.stalled_wait()
            return
        with self.lock:
            self.requests.append(request)
            answer = self.script.pop(0) if self.script else 200
        if callable(answer):
            answer = answer(request)
        status, payload = answer if isinstance(answer, tuple) else (answer, {})
        body = json.dumps(payload, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def stalled_wait(self):
        # Hold the connection without answering until unstalled (or 30 s at most, so a
        # forgotten stall cannot hang the test run).
        for _ in range(300):
            if not self.stalled.is_set():
                return
            threading.Event().wait(0.1)

    def close(self):
        self.unstall()
        self.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
