"""The page served by the real Assistant with the local model, which streams token by token:
the browser must show the stream grow before the checked answer, and several people asking at
once must each get their own answer in their own chat.

(The other page tests run the extractive backend, whose stream is one piece.)
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.test_ui import EIGHT, ask, browser, open_page, serve_seeded_copy

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared with test_ui

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def local_ui(tmp_path_factory: pytest.TempPathFactory, seeded_home: Path) -> Iterator[str]:
    with serve_seeded_copy(tmp_path_factory, seeded_home, ASSISTANT_LLM="local") as url:
        yield url


def _submit(page: Any, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def _wait_answer(page: Any) -> str:
    page.wait_for_function(
        """() => { const u = window.__ui; if (!u || u.first === null) return false;
           const b = document.querySelectorAll('#chatbot [data-testid="bot"]');
           return b.length > u.n && b[b.length - 1].querySelector('a.cite'); }"""
    )
    page.wait_for_function("() => !document.querySelector('#question textarea').disabled")
    return str(page.locator('#chatbot [data-testid="bot"]').last.inner_text())


@pytest.mark.timeout(900)
def test_the_local_model_streams_into_the_page_before_the_checked_answer(
    browser: Any, local_ui: str
) -> None:
    context, page = open_page(browser, local_ui, 300_000)
    try:
        record = ask(page, "How many people were injured in Monday's airstrikes?")
    finally:
        context.close()
    # The model's text grew in several visible steps before the checked answer replaced it.
    streamed = record["texts"][:-1]
    assert len(streamed) >= 2, record["texts"]
    assert any(len(a) < len(b) for a, b in pairwise(streamed))
    assert "21" in record["final"]


@pytest.mark.timeout(900)
def test_three_people_asking_at_once_each_get_their_own_answer(browser: Any, local_ui: str) -> None:
    asked = EIGHT[:3]
    opened = [open_page(browser, local_ui, 300_000) for _ in asked]
    try:
        # Every question is sent before any answer is awaited, so the server holds all three.
        for (_, page), (question, _) in zip(opened, asked, strict=True):
            _submit(page, question)
        finals = [_wait_answer(page) for _, page in opened]
        for final, (question, expected) in zip(finals, asked, strict=True):
            assert expected.lower() in final.lower(), (question, final)
        # No chat shows another one's question.
        for (_, page), (question, _) in zip(opened, asked, strict=True):
            users = page.locator('#chatbot [data-testid="user"]').all_inner_texts()
            assert [u.strip() for u in users] == [question]
    finally:
        for context, _ in opened:
            context.close()
