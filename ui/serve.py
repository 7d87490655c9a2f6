"""Serving `assistant ui`: the page (ui/app.py) and the OpenAI-compatible /v1 API (ui/api.py)
on one FastAPI app and one port, with the host/auth/key rules.

    from ui.serve import launch
    launch("127.0.0.1", 7860)                # what `assistant ui` runs
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from pathlib import Path
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI

from index.errors import AssistantError
from ui.app import build_app
from ui.render import CSS, JS_HEAD

log = logging.getLogger("assistant.ui")


def parse_auth(auth: str | None) -> list[tuple[str, str]]:
    """'user:password', or a file of user:password lines, as Gradio's auth list."""
    if not auth:
        return []
    path = Path(auth).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [auth]
    pairs = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            where = f"{path}, line {n}" if path.is_file() else "--auth"
            raise AssistantError(
                f"{where} is not user:password; pass --auth USER:PASSWORD or a file of such lines."
            )
        pairs.append((user, password))
    if not pairs:
        raise AssistantError(f"{auth} holds no user:password line; add one.")
    return pairs


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warm_up(assistant: Any) -> None:
    """Load the models and the index (indexing the seeds if the index is empty) in the
    background, so the first question does not pay for it."""

    def run() -> None:
        try:
            assistant.retrieve("warm up", k=1)
            _ = assistant.checker, assistant.backend
            log.info("warm-up done")
        except Exception as err:  # the first question will report it properly
            log.warning("warm-up failed: %s", err)

    threading.Thread(target=run, name="ui-warm-up", daemon=True).start()


def create_server(
    assistant: Any,
    host: str = "127.0.0.1",
    port: int = 7860,
    users: list[tuple[str, str]] | None = None,
    api_key: str | None = None,
) -> FastAPI:
    """The ASGI app `assistant ui` serves: the /v1 API (ui/api.py) and the page, one port."""
    from ui.api import build_api

    app = FastAPI(title="News assistant", docs_url=None, redoc_url=None, openapi_url=None)
    # Mounted before the page, so /v1/... never reaches Gradio's routes.
    app.mount("/v1", build_api(assistant, api_key, key_required=not is_loopback(host)))
    page = build_app(assistant)
    scheduler = getattr(page, "feed_scheduler", None)
    if scheduler is not None:
        scheduler.start()  # the page refreshes the watched feeds in this process
    return gr.mount_gradio_app(
        app,
        page,
        path="",
        server_name=host,
        server_port=port,
        auth=users or None,
        css=CSS,
        head=JS_HEAD,
        ssr_mode=False,
        show_error=False,
        max_file_size="50mb",
        footer_links=["api"],
    )


def launch(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    assistant: Any = None,
    api_key: str | None = None,
) -> None:
    """Serve the page and the /v1 API; a non-loopback host needs --auth for the page and
    ASSISTANT_API_KEY for /v1 (refused without it)."""
    users = parse_auth(auth)
    if not is_loopback(host) and not users:
        raise AssistantError(
            f"Refusing to serve on {host} without a password: pass --auth USER:PASSWORD "
            "(or a file of user:password lines), or keep the default --host 127.0.0.1."
        )
    if assistant is None:
        from assistant.core import Assistant
        from assistant.settings import Settings

        assistant = Assistant(Settings())
    settings = getattr(assistant, "settings", None)
    api_key = api_key or (settings.api_key if settings is not None else None)
    _check_port(host, port)
    app = create_server(assistant, host, port, users, api_key)
    warm_up(assistant)
    api_note = "key required" if api_key else ("open" if is_loopback(host) else "off: no key")
    print(
        f"Serving the news assistant on http://{host}:{port} "
        f"(LLM {assistant.llm_name}, embeddings {assistant.embedding_name}); "
        f"OpenAI-compatible API at http://{host}:{port}/v1 ({api_note})",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            raise AssistantError(
                f"Cannot serve on {host}:{port} ({err.strerror or err}); pass a free --port "
                "or another --host."
            ) from None
