"""Shared fixtures: isolated state under tmp_path, real servers started on free ports."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"nothing listens on {port} after {timeout}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
_CHROMIUM_FIX = (
    "run `make chromium` (it installs Debian's chromium with apt-get; as root: apt-get update "
    "&& apt-get install -y chromium), or set CHROMIUM_PATH to a working Chromium"
)


def chromium_path() -> str:
    """Debian's Chromium for the page tests. Missing, the test fails saying how to install it:
    a browser test that skipped would let `make test` pass without testing the page."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not found or not Path(found).is_file():
        pytest.fail(f"Chromium is missing ({found or 'not on PATH'}): {_CHROMIUM_FIX}.", False)
    return found


def launch_chromium(pw: Any) -> Any:
    """Headless Chromium through a started playwright; fails (never skips) when it cannot."""
    path = chromium_path()
    try:
        return pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    except Exception as err:  # playwright raises its own Error with a long log
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        pytest.fail(f"{path} did not start ({first}): {_CHROMIUM_FIX}.", False)


def seed_questions(name: str = "questions.jsonl") -> list[dict]:
    """A question set in seeds/: questions.jsonl is the one the refusal gate and the tie rule
    were tuned on; heldout_questions.jsonl was written afterwards and is never tuned on, so
    the accuracy bars are checked on it."""
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", llm="extractive", progress=False)


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with seeds/ indexed once (real MiniLM, real embedded Chroma)."""
    home = tmp_path_factory.mktemp("seeded")
    Assistant(Settings(home=home, llm="extractive", progress=False)).ingest([str(SEEDS)])
    return home


@pytest.fixture
def seeded_copy(seeded_home: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded home that a test may change."""
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    return home


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """python -m llama_cpp.server serving the bundled GGUF: an OpenAI-compatible base URL."""
    from assistant.backends import smollm2_path

    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "python"), "-m", "llama_cpp.server",
            "--model", str(smollm2_path()), "--model_alias", "smollm2",
            "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", "2048", "--n_threads", "1", "--api_key", "test-key",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` server on a free port; yields the port."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen(
        [
            str(BIN / "chroma"),
            "run",
            "--path",
            str(path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_for_port(port, proc)
        yield port
    finally:
        stop(proc)
