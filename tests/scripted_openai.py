"""A scripted OpenAI-compatible HTTP server for tests and benchmarks.

It answers POST /v1/chat/completions (streaming and not) and GET /v1/models with a reply
chosen per request by a script, and records every request it gets, so a test can put chosen
sentences in "the model's" mouth and then look at what the assistant sent.

    with ScriptedOpenAI(lambda req: "Peskov denied it [1].") as server:
        Settings(llm="openai", openai_base_url=server.base_url, openai_api_key="k", ...)
        ...
        server.requests[-1].user_text   # the prompt the assistant sent

A script is a string (always that reply), a list of strings (one per request, in order; the
last repeats), a callable taking the ScriptedRequest, or a Reply (text with a status code, a
delay or a chunk size for streaming). `server.script = ...` changes it between requests.
Pytest: `from tests.scripted_openai import scripted_openai` makes the fixture available in a
test module (a server on a free port, stopped at the end of the test).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """One scripted reply: its text, and how it is delivered."""

    text: str
    status: int = 200  # a non-200 status sends an OpenAI-style error body instead
    delay_s: float = 0.0  # wait before answering (timeouts)
    chunk_chars: int = 8  # characters per streamed delta


@dataclass
class ScriptedRequest:
    """What the server received: the path, the headers and the JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def user_text(self) -> str:
        """The content of the last user message (the prompt, for one-message requests)."""
        for m in reversed(self.messages):
            if m.get("role") == "user":
                return _content(m.get("content"))
        return ""

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))


Script = str | list[str] | Reply | Callable[[ScriptedRequest], str | Reply]


def _content(content: Any) -> str:
    # Content may be a string or a list of {"type": "text", "text": ...} parts.
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


class ScriptedOpenAI:
    """The server; start with `with` (or start()/stop()), read base_url and requests."""

    def __init__(
        self, script: Script = "", model: str = "scripted", api_key: str | None = None
    ) -> None:
        self.script: Script = script
        self.model = model
        self.api_key = api_key  # when set, requests without "Bearer <key>" get a 401
        self.requests: list[ScriptedRequest] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> ScriptedOpenAI:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the scripted server is not running: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- replies ---------------------------------------------------------------------
    def reply_for(self, req: ScriptedRequest) -> Reply:
        with self._lock:
            self.requests.append(req)
            index = len(self.requests) - 1
            script = self.script
        if isinstance(script, list):
            out: str | Reply = script[min(index, len(script) - 1)] if script else ""
        elif callable(script):
            out = script(req)
        else:
            out = script
        return out if isinstance(out, Reply) else Reply(str(out))


def _handler(server: ScriptedOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

        def _json(self, status: int, obj: dict[str, Any]) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if server.api_key is None:
                return True
            if self.headers.get("Authorization") == f"Bearer {server.api_key}":
                return True
            self._json(401, _error("Incorrect API key provided.", "invalid_api_key"))
            return False

        def do_GET(self) -> None:
            if not self._authorised():
                return
            if self.path.rstrip("/").endswith("/models"):
                model = {"id": server.model, "object": "model", "owned_by": "scripted"}
                self._json(200, {"object": "list", "data": [model]})
            else:
                self._json(404, _error(f"no route {self.path}", "not_found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not self._authorised():
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, _error(f"no route {self.path}", "not_found"))
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._json(400, _error("request body is not JSON", "invalid_request_error"))
                return
            req = ScriptedRequest(self.path, dict(self.headers.items()), body)
            reply = server.reply_for(req)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.status != 200:
                self._json(reply.status, _error(reply.text, "scripted_error"))
            elif req.stream:
                self._stream(reply)
            else:
                self._json(200, _completion(server.model, reply.text))

        def _stream(self, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in _chunks(server.model, reply):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": code, "param": None, "code": code}}


def _completion(model: str, text: str) -> dict[str, Any]:
    n = max(1, len(text.split()))
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": n, "total_tokens": n + 1},
    }


def _chunks(model: str, reply: Reply) -> Iterator[dict[str, Any]]:
    step = max(1, reply.chunk_chars)
    pieces = [reply.text[i : i + step] for i in range(0, len(reply.text), step)] or [""]
    base = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": model}
    for i, piece in enumerate(pieces):
        delta: dict[str, Any] = {"content": piece}
        if i == 0:
            delta["role"] = "assistant"
        yield {
            **base,
            "created": int(time.time()),
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
    yield {
        **base,
        "created": int(time.time()),
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }


@pytest.fixture
def scripted_openai() -> Iterator[ScriptedOpenAI]:
    """A running ScriptedOpenAI (empty script: set `.script`), stopped after the test."""
    with ScriptedOpenAI() as server:
        yield server


__all__ = ["Reply", "Script", "ScriptedOpenAI", "ScriptedRequest", "scripted_openai"]
