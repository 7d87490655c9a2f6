"""A local HTTP server for fetch, URL and feed tests: routes map a path to a canned answer or a
function, and every request is recorded (path and headers) so tests can check what was sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseRequestHandler


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunk_delay_s: float = 0.0  # > 0: the body trickles out in 16-byte chunks
    length: bool = True  # False: no Content-Length, the body ends when the connection closes


Route = Reply | Callable[[dict[str, str]], Reply]


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


def _handler(routes: dict[str, Route], log: list[tuple[str, dict[str, str]]]) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            log.append((self.path, headers))
            route = routes.get(self.path)
            reply = Reply(404, b"not here") if route is None else route
            if callable(reply):
                reply = reply(headers)
            self.send_response(reply.status)
            sent = {k.lower() for k in reply.headers}
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if not reply.length:
                self.send_header("Connection", "close")
                self.close_connection = True
            elif "content-length" not in sent:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            step = 16 if reply.chunk_delay_s else max(1, len(reply.body))
            try:
                for i in range(0, len(reply.body), step):
                    self.wfile.write(reply.body[i : i + step])
                    self.wfile.flush()
                    time.sleep(reply.chunk_delay_s)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (size cap, time limit), as those tests want

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (caps, time limits) are what the tests provoke


@contextmanager
def serving(handler: Callable[..., BaseRequestHandler], quiet: bool = False) -> Iterator[str]:
    """Run `handler` on 127.0.0.1 (a free port) in a thread for the duration of the block;
    yields the base URL. quiet: clients that hang up early leave no traceback."""
    httpd = (_Quiet if quiet else ThreadingHTTPServer)(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    """Serve `routes` on 127.0.0.1 (a free port) for the duration of the block."""
    log: list[tuple[str, dict[str, str]]] = []
    with serving(_handler(routes, log), quiet=True) as base:
        yield Server(base, routes, log)
