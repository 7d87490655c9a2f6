"""The chat page (ui/): rendering and escaping, the host/auth rule, the `/ask` endpoint and
its concurrency, and the page itself driven by headless Debian Chromium.

Browser tests save screenshots under $UI_SCREENSHOT_DIR (default artifacts/screenshots/)
and write the measured time to first streamed token to timings.json there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.answer import REFUSAL, Answer, Citation, RefusalReason
from index.errors import AssistantError
from tests.conftest import BIN, REPO, chromium_path, free_port, launch_chromium, stop
from tests.httpserver import Reply, serve
from ui import render
from ui.app import Handlers, build_app, make_filters
from ui.serve import is_loopback, launch, parse_auth

SCREENSHOTS = Path(os.environ.get("UI_SCREENSHOT_DIR") or REPO / "artifacts" / "screenshots")
DRONES_Q = "How many Ukrainian drones did Russia's Ministry of Defense say it intercepted?"
HOSTILE_TITLE = "Hostile Pelican Report <script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = (
    f"{HOSTILE_TITLE}\n"
    f"The pelican colony at Quillmoor Bay counted 4,321 birds this spring {HOSTILE_IMG} "
    "${window.__pwned=1} [see](javascript:window.__pwned=1) according to the wardens. "
    "Wardens said the <script>window.__pwned=1</script> colony grew because of warm water.\n"
)
ANSWER_KEYS = {"answer", "citations", "refused", "refusal_reason", "timings_ms"}
CITATION_KEYS = {
    "n", "doc_id", "title", "source", "url", "file", "published_at", "text", "start", "end",
    "score", "page", "also_in",
}  # fmt: skip
# Eight seed questions the extractive backend answers right, each with a different answer.
EIGHT = [
    ("Who is the Kremlin spokesperson who denied the reports of Trump's call?", "Peskov"),
    ("Who is Trump's communications director?", "Steven Cheung"),
    (DRONES_Q, "84"),
    ("How many drones did Russia launch on Saturday according to Ukrainian officials?", "145"),
    ("Near which town did Russian forces reportedly strike a dam?", "Kurakhove"),
    ("Which river could flood because of the damaged dam?", "Vovcha"),
    ("How many people were injured in Monday's airstrikes?", "21"),
    ("Which village in the Kharkiv region did Russian forces claim to seize?", "Kolisnykivka"),
]


# -- fakes ---------------------------------------------------------------------------------
def citation(
    n: int = 1, text: str = "Russia said it intercepted 84 drones. Other news.", **kw: Any
) -> Citation:
    base: dict[str, Any] = dict(
        n=n, doc_id="d1", title="Drone report", source="Wire", url="https://example.com/a",
        file=None, published_at="2024-11-18T10:00:00", text=text, start=10, end=10 + len(text),
        score=0.9,
    )  # fmt: skip
    base.update(kw)
    return Citation(**base)


class FakeAssistant:
    """Just enough of Assistant for the page's handlers."""

    llm_name = "fake-llm"
    embedding_name = "fake-embeddings"

    def __init__(
        self,
        pieces: list[str] | None = None,
        final: Answer | None = None,
        error: Exception | None = None,
    ) -> None:
        self.pieces = pieces or ["Russia said it intercepted ", "84 drones [1]."]
        self.final = final or Answer(
            answer="Russia said it intercepted 84 drones [1].", citations=[citation()]
        )
        self.error = error
        self.calls: list[tuple[str, Any, Any]] = []
        self.barrier: threading.Barrier | None = None

    def stream(self, question: str, history: Any = None, filters: Any = None) -> Iterator[Any]:
        self.calls.append((question, history, filters))
        if self.error:
            raise self.error
        yield from self.pieces
        yield self.final

    def ask(self, question: str, history: Any = None, filters: Any = None) -> Answer:
        if self.barrier is not None:
            self.barrier.wait(timeout=60)  # returns only once 8 calls run at the same time
        if self.error:
            raise self.error
        return Answer(answer=f"answer to {question} [1]", citations=[citation()], question=question)

    def status(self) -> dict[str, Any]:
        return {"documents": 1, "chunks": 2}

    def documents(self) -> list[dict[str, Any]]:
        return [{"doc_id": "d1", "title": "Drone report", "source": "Wire", "n_chunks": 2}]


# -- rendering and escaping ----------------------------------------------------------------
def test_answer_markers_link_to_their_sources_panel_entries() -> None:
    ans = Answer(
        answer="Russia said it intercepted 84 drones [1]. Kyiv said 145 [2, 1].",
        citations=[citation(1), citation(2, title="Other")],
        question="And Kyiv?",
        standalone_question="And Kyiv? (drones intercepted)",
    )
    html = render.render_answer(ans, "abc")
    assert html.count('href="#src-abc-1"') == 2 and html.count('href="#src-abc-2"') == 1
    panel = render.render_sources(ans, "abc")
    assert 'id="src-abc-1"' in panel and 'id="src-abc-2"' in panel
    assert "<mark>Russia said it intercepted 84 drones.</mark>" in panel
    assert "Wire" in panel and "2024-11-18" in panel and 'href="https://example.com/a"' in panel
    assert "Searched for <q>And Kyiv? (drones intercepted)</q>" in panel


def test_article_text_is_escaped_in_every_rendering() -> None:
    evil = HOSTILE.splitlines()[1]
    c = citation(text=evil, title=HOSTILE_TITLE, source="<b>src</b>", url="javascript:alert(1)")
    ans = Answer(answer=evil + " [1]", citations=[c], dropped_sentences=[HOSTILE_TITLE])
    ans.repaired_citations = [{"sentence": HOSTILE_IMG, "from": [2], "to": [1]}]
    outputs = [
        render.render_answer(ans, "x"),
        render.render_stream(evil),
        render.render_sources(ans, "x"),
        render.render_error(HOSTILE_TITLE),
        render.render_status({"documents": 1, "chunks": 1}, "<script>", "<img>"),
    ]
    for out in outputs:
        lowered = out.lower()
        assert "<script" not in lowered and "<img" not in lowered and "<b>src" not in lowered
        assert 'href="javascript' not in lowered
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in outputs[2]
    # Markdown in article text is shown, not interpreted, in the chat.
    assert "\\[see\\]\\(javascript:window" in outputs[0]


def test_refusal_reason_is_shown_in_the_chat_and_the_panel() -> None:
    ans = Answer(
        answer=REFUSAL,
        refused=True,
        refusal_reason=RefusalReason(
            "unindexed_source", "No indexed article comes from <Reuters>."
        ),
    )
    html = render.render_answer(ans, "r")
    assert REFUSAL.replace(".", "\\.") in html and 'data-code="unindexed_source"' in html
    assert "No indexed article comes from &lt;Reuters&gt;" in html
    panel = render.render_sources(ans, "r")
    assert "Declined (unindexed_source): No indexed article comes from &lt;Reuters&gt;." in panel
    assert "refusal-reason" not in render.render_answer(Answer(answer="Fine [1]."), "s")


def test_time_note_is_shown_under_the_answer() -> None:
    note = "No indexed article names the <b>referendum</b>, so it did not narrow the dates."
    ans = Answer(answer="The barrier was approved [1].", citations=[citation()], time_note=note)
    html = render.render_answer(ans, "a1")
    assert 'class="time-note"' in html and "<b>" not in html and "referendum" in html
    assert 'class="time-note"' not in render.render_answer(Answer(answer="Yes [1]."), "a2")


def test_passage_highlight_finds_the_answer_sentence() -> None:
    passage = "Intro sentence. Russia's ministry said it intercepted 84 drones overnight. Outro."
    spans = render.highlight_spans(
        passage, ["Russia's ministry said it intercepted 84 drones overnight."]
    )
    assert [passage[a:b] for a, b in spans] == [
        "Russia's ministry said it intercepted 84 drones overnight."
    ]
    # A paraphrase highlights the passage sentence sharing its words.
    spans = render.highlight_spans(passage, ["The ministry intercepted 84 drones, Russia said."])
    assert passage[spans[0][0] : spans[0][1]].startswith("Russia's ministry")
    assert render.highlight_spans(passage, ["Completely unrelated claim about weather."]) == []


def test_citation_check_record_is_shown() -> None:
    ans = Answer(answer="A fact [1].", citations=[citation()], fallback="extractive")
    ans.dropped_sentences = ["Germany won the 2022 World Cup."]
    ans.repaired_citations = [{"sentence": "A fact.", "from": [3], "to": [1]}]
    panel = render.render_sources(ans, "y")
    assert "Dropped" in panel and "Germany won the 2022 World Cup." in panel
    assert "repaired" in panel and "[3]" in panel and "taken from the sources" in panel
    refused = render.render_sources(Answer(answer=REFUSAL, refused=True), "z")
    assert "No passage" in refused


def test_history_given_to_the_assistant_is_plain_text() -> None:
    ans = Answer(answer="It said 84 (eighty-four) drones [1].", citations=[citation()])
    history = [
        {"role": "user", "content": "How many drones?"},
        {
            "role": "assistant",
            "content": [{"type": "text", "text": render.render_answer(ans, "q")}],
        },
    ]
    assert render.plain_history(history) == [
        {"role": "user", "content": "How many drones?"},
        {"role": "assistant", "content": "It said 84 (eighty-four) drones [1]."},
    ]


def test_filters_from_the_page_inputs() -> None:
    assert make_filters(None, "", "") is None
    f = make_filters(["Wire"], "2024-11-01", " 2024-11-30 ")
    assert (
        f is not None
        and f.sources == ["Wire"]
        and (f.date_from, f.date_to)
        == (
            "2024-11-01",
            "2024-11-30",
        )
    )
    with pytest.raises(AssistantError, match="YYYY-MM-DD"):
        make_filters(None, "18/11/2024", None)
    with pytest.raises(AssistantError, match="swap"):
        make_filters(None, "2024-12-01", "2024-11-01")


def test_chat_streams_then_shows_the_checked_answer_with_links() -> None:
    fake = FakeAssistant()
    h = Handlers(fake)
    history = [
        {"role": "user", "content": "Earlier?"},
        {"role": "assistant", "content": "<b>Yes</b>"},
    ]
    out = list(h.respond("How many drones?", history, ["Wire"], "2024-11-01", ""))
    assert [o[0] for o in out[:2]] == [
        render.render_stream("Russia said it intercepted "),
        render.render_stream("Russia said it intercepted 84 drones [1]."),
    ]
    # The checked answer, then the same with its follow-up chips (none from this fake).
    assert len(out) == 4 and out[2][0] == out[3][0]
    final, panel, _session, _conversations = out[-1]
    assert 'class="cite"' in final["content"] and "<mark>" in panel
    assert 'data-doc-id="d1" data-start="10"' in panel
    _question, hist, filters = fake.calls[0]
    assert hist == [
        {"role": "user", "content": "Earlier?"},
        {"role": "assistant", "content": "Yes"},
    ]
    assert filters.sources == ["Wire"] and filters.date_from == "2024-11-01"


class DatedAssistant(FakeAssistant):
    """Records the reference date each question was asked with."""

    def __init__(self) -> None:
        super().__init__()
        self.as_of: list[Any] = []

    def stream(
        self, question: str, history: Any = None, filters: Any = None, as_of: Any = None
    ) -> Iterator[Any]:
        self.as_of.append(as_of)
        yield from super().stream(question, history, filters)

    def ask(
        self, question: str, history: Any = None, filters: Any = None, as_of: Any = None
    ) -> Answer:
        self.as_of.append(as_of)
        return super().ask(question, history, filters)


def test_the_page_asks_as_of_its_reference_date() -> None:
    fake = DatedAssistant()
    h = Handlers(fake)
    list(h.respond("What is the latest on the barrier?", [], None, "", "", None, "2023-11-30"))
    list(h.respond("What is the latest on the barrier?", [], None, "", "", None, " "))
    assert fake.as_of == ["2023-11-30", None]  # empty: the Assistant's own today
    bad = list(h.respond("What is the latest?", [], None, "", "", None, "30/11/2023"))
    shown = bad[-1][0].replace("\\", "")
    assert "as-of date" in shown and "YYYY-MM-DD" in shown
    assert len(fake.as_of) == 2  # a bad date never reaches the Assistant
    assert h.ask("What is the latest?", "2023-10-25")["question"] == "What is the latest?"
    assert fake.as_of[-1] == "2023-10-25"


def test_suggestions_follow_the_answer_as_clickable_options() -> None:
    q = "What did Dmitry Peskov deny?"
    final = Answer(answer="Russia said 84 [1].", citations=[citation()], suggestions=[q])
    out = list(Handlers(FakeAssistant(final=final)).respond("How many drones?", []))
    answer_first, with_chips = out[-2][0], out[-1][0]
    assert "options" not in answer_first and with_chips["content"] == answer_first["content"]
    assert with_chips["options"] == [{"label": q, "value": q}]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AssistantError("The index is empty: run `assistant ingest PATH`."), "index is empty"),
        (ConnectionError("Connection refused"), "could not be reached"),
        (
            ValueError("boom\nTraceback (most recent call last):"),
            "Answering failed (ValueError: boom)",
        ),
    ],
)
def test_errors_show_as_one_readable_line(error: Exception, expected: str) -> None:
    out = list(Handlers(FakeAssistant(error=error)).respond("q", []))
    message, panel, *_ = out[-1]
    assert expected in message.replace("\\", "") and "Traceback" not in message
    assert "\n" not in message and panel == render.PANEL_EMPTY
    bad_date = list(Handlers(FakeAssistant()).respond("q", [], None, "tomorrow", ""))
    assert "YYYY-MM-DD" in bad_date[-1][0].replace("\\", "")


def test_an_empty_index_is_reported_in_the_chat(tmp_path: Path) -> None:
    from assistant.settings import Settings

    fake = FakeAssistant()
    fake.settings = Settings(home=tmp_path, auto_seed=False)  # type: ignore[attr-defined]
    fake.documents = lambda: []  # type: ignore[method-assign]
    message, *_ = list(Handlers(fake).respond("How many drones?", []))[-1]
    assert "index is empty" in message and "Articles tab" in message and not fake.calls


# -- serving rules -------------------------------------------------------------------------
def test_auth_parsing(tmp_path: Path) -> None:
    assert parse_auth(None) == []
    assert parse_auth("ann:s3cr:et") == [("ann", "s3cr:et")]
    f = tmp_path / "users"
    f.write_text("# users\nann:one\n\nbob:two\n", encoding="utf-8")
    assert parse_auth(str(f)) == [("ann", "one"), ("bob", "two")]
    with pytest.raises(AssistantError, match="user:password"):
        parse_auth("no-colon")


def test_non_loopback_host_needs_auth() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    with pytest.raises(AssistantError, match="--auth") as err:
        launch(host="0.0.0.0", port=free_port(), assistant=FakeAssistant())
    assert "\n" not in str(err.value)


def test_ask_endpoint_answers_eight_calls_at_once() -> None:
    """The queue runs 8 /ask calls concurrently: each fake call waits for all 8 to arrive."""
    from gradio_client import Client

    fake = FakeAssistant()
    fake.barrier = threading.Barrier(8)
    demo = build_app(fake)
    port = free_port()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        results: dict[int, Any] = {}

        def call(i: int) -> None:
            results[i] = Client(url, verbose=False).predict(f"question {i}", api_name="/ask")

        threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(results) == list(range(8))
        for i, r in results.items():
            assert r["answer"] == f"answer to question {i} [1]" and r["citations"][0]["n"] == 1
    finally:
        demo.close()


# -- the real server (subprocess, real models, extractive answers) ---------------------------
@contextlib.contextmanager
def serve_ui(home: Path, *args: str, **env: str) -> Iterator[str]:
    """`assistant ui --port FREE ARGS` with ASSISTANT_HOME=home and the extractive backend
    (env overrides any variable); yields its local URL once the server answers (any HTTP status), then stops it."""
    port = free_port()
    log_path = home.parent / f"ui-{port}.log"
    environ = {
        **os.environ,
        "ASSISTANT_HOME": str(home),
        "ASSISTANT_LLM": "extractive",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(BIN / "assistant"), "ui", "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environ,
            cwd=str(home.parent),
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 240
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"assistant ui exited: {log_path.read_text()[-3000:]}")
            try:
                httpx.get(url + "config", timeout=5)
                break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise TimeoutError(f"assistant ui did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        stop(proc)


@contextlib.contextmanager
def serve_seeded_copy(
    tmp_path_factory: pytest.TempPathFactory, seeded_home: Path, **env: str
) -> Iterator[str]:
    """serve_ui on a private copy of the seeded home (tests may add and forget articles)."""
    home = tmp_path_factory.mktemp("ui") / "home"
    shutil.copytree(seeded_home, home)
    with serve_ui(home, **env) as url:
        yield url


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory, seeded_home: Path) -> Iterator[str]:
    """`assistant ui --port FREE` on a private copy of the seeded home; yields its URL."""
    # The URL-ingest test serves its page on 127.0.0.1, which the SSRF guard refuses by default.
    with serve_seeded_copy(
        tmp_path_factory, seeded_home, ASSISTANT_ALLOW_PRIVATE_URLS="true"
    ) as url:
        yield url


@pytest.mark.slow
def test_all_interfaces_with_auth_need_a_login(tmp_path: Path) -> None:
    from gradio_client import Client

    with serve_ui(
        tmp_path / "home", "--host", "0.0.0.0", "--auth", "ann:s3cret", ASSISTANT_AUTO_SEED="false"
    ) as url:
        assert httpx.get(url + "config", timeout=10).status_code == 401
        r = Client(url, auth=("ann", "s3cret"), verbose=False).predict("Anything?", api_name="/ask")
        assert r["refused"] is True and r["answer"] == REFUSAL  # an empty index: the refusal
        with pytest.raises(ValueError):
            Client(url, auth=("ann", "wrong"), verbose=False)


def _api_client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False)


@pytest.mark.slow
def test_api_ask_returns_the_ask_json_object(ui_server: str) -> None:
    r = _api_client(ui_server).predict(DRONES_Q, api_name="/ask")
    assert set(r) >= ANSWER_KEYS and "84" in r["answer"] and r["refused"] is False
    assert r["citations"] and set(r["citations"][0]) == CITATION_KEYS
    c = r["citations"][0]
    article = Path(c["file"]).read_text(encoding="utf-8")
    assert article[c["start"] : c["end"]] == c["text"] and "84 Ukrainian drones" in c["text"]


@pytest.mark.slow
def test_api_ask_with_a_plain_client(ui_server: str) -> None:
    # The plain client Gradio's "Use via API" page shows; a citation field named `path` made
    # gradio_client 2.7 fetch the article as a file (403).
    from gradio_client import Client

    r = Client(ui_server, verbose=False).predict(DRONES_Q, api_name="/ask")
    assert "84" in r["answer"] and r["citations"][0]["file"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_api_eight_concurrent_clients_get_their_own_answers(ui_server: str) -> None:
    start = threading.Barrier(len(EIGHT))
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(question: str) -> None:
        try:
            client = _api_client(ui_server)
            start.wait(timeout=120)
            results[question] = client.predict(question, api_name="/ask")
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(q,)) for q, _ in EIGHT]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=500)
    assert not errors, errors
    for question, expected in EIGHT:
        r = results[question]
        assert r["question"] == question
        assert expected.lower() in r["answer"].lower(), (question, r["answer"])
        assert r["citations"] and expected.lower() in r["citations"][0]["text"].lower()
    assert len({r["answer"] for r in results.values()}) == len(EIGHT)


# -- the page in headless Chromium -----------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium_path()  # fails before playwright starts when Chromium is missing
    pw = sync_playwright().start()
    try:
        b = launch_chromium(pw)
    except BaseException:
        pw.stop()
        raise
    try:
        yield b
    finally:
        b.close()
        pw.stop()


def test_missing_chromium_fails_the_page_tests_saying_how(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(pytest.fail.Exception, match="make chromium"):
        chromium_path()


def open_page(browser: Any, url: str, timeout_ms: int = 180_000) -> tuple[Any, Any]:
    """A fresh browser context on the page, the answer observer installed: (context, page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(timeout_ms)
    p.goto(url)
    p.wait_for_selector("#question textarea")
    p.evaluate(_OBSERVER)
    return context, p


@pytest.fixture
def page(browser: Any, ui_server: str) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    context, p = open_page(browser, ui_server)
    try:
        yield p
    finally:
        context.close()


# Records, in the page, when Enter is pressed in the question box and when the new answer's
# first text appears, plus every text the answer shows (the stream, then the checked answer).
_OBSERVER = """() => {
  const bots = () => document.querySelectorAll('#chatbot [data-testid="bot"]');
  window.__ui = {t0: null};
  document.querySelector('#question textarea').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey)
      window.__ui = {t0: performance.now(), first: null, texts: [], n: bots().length};
  }, true);
  new MutationObserver(() => {
    const u = window.__ui;
    if (u.t0 === null || bots().length <= u.n) return;
    const t = bots()[bots().length - 1].innerText.trim();
    if (!t) return;
    if (u.first === null) u.first = performance.now();
    if (u.texts[u.texts.length - 1] !== t) u.texts.push(t);
  }).observe(document.querySelector('#chatbot'),
             {subtree: true, childList: true, characterData: true});
}"""


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def ask(page: Any, question: str, cited: bool = True) -> dict[str, Any]:
    """Ask in the page; returns the observer's record once the checked answer is shown."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    done = "a.cite" if cited else "*"
    page.wait_for_function(
        """(sel) => { const u = window.__ui; if (!u || u.first === null) return false;
           const b = document.querySelectorAll('#chatbot [data-testid="bot"]');
           return b.length > u.n && (sel === '*' || b[b.length - 1].querySelector(sel)); }""",
        arg=done,
    )
    page.wait_for_function("() => !document.querySelector('#question textarea').disabled")
    record: dict[str, Any] = page.evaluate("() => window.__ui")
    record["ttft_ms"] = record["first"] - record["t0"]
    record["final"] = page.locator('#chatbot [data-testid="bot"]').last.inner_text()
    return record


def open_citation(page: Any, n: int = 1) -> Any:
    """Click the answer's [n] marker; returns the sources-panel entry it points at."""
    link = page.locator('#chatbot [data-testid="bot"]').last.locator("a.cite", has_text=f"[{n}]")
    target = link.first.get_attribute("href")
    link.first.click()
    entry = page.locator(f"#sources-panel {target}")
    from playwright.sync_api import expect

    expect(entry).to_be_in_viewport()
    expect(entry).to_have_class("src-entry flash")
    return entry


def upload(page: Any, path: Path) -> None:
    page.get_by_role("tab", name="Articles").click()
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_selector('#upload [data-testid="download-link"]')
    page.click("#add-articles")
    # The summary line is written when the whole batch is done (progress shows until then).
    page.wait_for_selector("#add-summary p.add-summary")


@pytest.mark.slow
@pytest.mark.browser
def test_chat_streams_an_answer_whose_citation_opens_the_passage(page: Any) -> None:
    from playwright.sync_api import expect

    shot(page, "01-page.png")
    expect(page.locator("#status-line")).to_contain_text("extractive")
    expect(page.locator("#status-line")).to_contain_text("all-MiniLM-L6-v2")
    record = ask(page, DRONES_Q)
    assert record["texts"] and record["texts"][0].strip()  # streamed text appeared
    assert "84" in record["final"]
    shot(page, "02-answer.png")
    entry = open_citation(page, 1)
    expect(entry.locator("mark")).to_contain_text("84 Ukrainian drones")
    expect(entry).to_contain_text("Kremlin Refutes Reports")
    shot(page, "03-citation-opened.png")
    # A follow-up uses the conversation.
    follow = ask(page, "And how many drones did Russia launch on Saturday?")
    searched = page.locator("#sources-panel .src-searched")
    expect(searched).to_contain_text("Ministry")  # the follow-up was searched in context
    assert "145" in follow["final"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    timings = {
        "ttft_ms": round(record["ttft_ms"], 1),
        "follow_up_ttft_ms": round(follow["ttft_ms"], 1),
    }
    (SCREENSHOTS / "timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(f"\ntime to first streamed token in the browser: {timings}")


@pytest.fixture
def article_site() -> Iterator[str]:
    """A local web server with one news page (URL ingestion without the internet)."""
    page = (
        "<html><head><title>Glimmerholm Ferry Gets Sails</title></head><body><article>"
        "<h1>Glimmerholm Ferry Gets Sails</h1><p>The Glimmerholm ferry was refitted with "
        "rigid sails that cut its diesel use by 38 percent, the operator said.</p>"
        "</article></body></html>"
    )
    html = {"Content-Type": "text/html; charset=utf-8"}
    with serve({"/ferry.html": Reply(200, page.encode(), html)}) as site:
        yield site.url("/ferry.html")


@pytest.mark.slow
@pytest.mark.browser
def test_uploaded_article_is_indexed_answers_and_can_be_forgotten(
    page: Any, tmp_path: Path, article_site: str
) -> None:
    from playwright.sync_api import expect

    article = tmp_path / "zorblat-library.txt"
    article.write_text(
        "Zorblat Harbour Opens Floating Library\n"
        "The coastal town of Zorblat opened a floating library on Tuesday, the mayor said. "
        "The library barge holds 12,345 books and will dock at seven villages each month. "
        "Mayor Ilse Varnhagen said the project cost 2.1 million euros.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Articles").click()
    page.locator("#urls textarea").fill(f"{article_site}\nftp://example.com/not-http")
    upload(page, article)
    results = page.locator("#add-results")
    expect(results).to_contain_text("Zorblat Harbour Opens Floating Library")
    expect(results).to_contain_text("Glimmerholm Ferry Gets Sails")
    expect(results).to_contain_text("not an http(s) URL")
    expect(page.locator("#add-summary")).to_contain_text("2 indexed, 1 rejected")
    expect(page.locator("#documents")).to_contain_text("Zorblat Harbour Opens Floating Library")
    shot(page, "04-upload-result.png")

    page.get_by_role("tab", name="Ask").click()
    record = ask(page, "How many books does the Zorblat library barge hold?")
    assert "12,345" in record["final"]
    entry = open_citation(page, 1)
    expect(entry).to_contain_text("Zorblat Harbour Opens Floating Library")
    expect(entry.locator("mark")).to_contain_text("12,345 books")
    shot(page, "05-uploaded-article-answer.png")
    record = ask(page, "By how much did the sails cut the Glimmerholm ferry's diesel use?")
    assert "38 percent" in record["final"]
    expect(open_citation(page, 1)).to_contain_text(article_site)

    # Forget the uploaded article: pick its row, press Forget, and it is gone.
    page.get_by_role("tab", name="Articles").click()
    page.locator("#documents").get_by_text("Zorblat Harbour Opens Floating Library").click()
    expect(page.locator("#forget-doc input")).to_have_value(
        re.compile("Zorblat Harbour Opens Floating Library")
    )
    page.click("#forget")
    expect(page.locator("#forget-message")).to_contain_text("Forgot")
    expect(page.locator("#documents")).not_to_contain_text("Zorblat Harbour")
    shot(page, "06-forgotten.png")


@pytest.mark.slow
@pytest.mark.browser
def test_filters_and_errors_show_in_the_chat(page: Any) -> None:
    from playwright.sync_api import expect

    page.locator("#filters").get_by_text("Filters").click()
    page.locator("#filter-from textarea, #filter-from input").first.fill("18/11/2024")
    record = ask(page, DRONES_Q, cited=False)
    assert "YYYY-MM-DD" in record["final"] and "Traceback" not in page.content()
    page.locator("#filter-from textarea, #filter-from input").first.fill("2030-01-01")
    record = ask(page, DRONES_Q, cited=False)
    assert REFUSAL in record["final"]
    expect(page.locator("#sources-panel")).to_contain_text("No passage")
    shot(page, "07-filters-and-errors.png")
    # The reference date: a bad one is one readable line; before the seed article's day, the
    # latest news is nothing yet.
    page.locator("#filter-from textarea, #filter-from input").first.fill("")
    as_of = page.locator("#filter-as-of textarea, #filter-as-of input").first
    as_of.fill("next week")
    assert "as-of date" in ask(page, DRONES_Q, cited=False)["final"]
    as_of.fill("2020-01-01")
    record = ask(page, "What is the latest on the Ukrainian drones?", cited=False)
    assert REFUSAL in record["final"] and "dated on or before 2020-01-01" in record["final"]
    as_of.fill("")


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_article_is_shown_escaped_and_never_runs(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    article = tmp_path / "pelicans.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    upload(page, article)
    expect(page.locator("#documents")).to_contain_text(HOSTILE_TITLE)
    page.get_by_role("tab", name="Ask").click()
    # "birds", the article's word: the answer-type check declines "How many pelicans" when
    # the article counts birds (no_answer_of_type), which is not what this test is about.
    record = ask(page, "How many birds did the wardens count at Quillmoor Bay?")
    assert "4,321" in record["final"] and HOSTILE_IMG in record["final"]
    entry = open_citation(page, 1)
    expect(entry).to_contain_text(HOSTILE_TITLE)
    expect(entry).to_contain_text(HOSTILE_IMG)
    expect(entry).to_contain_text("${window.__pwned=1}")
    page.wait_for_timeout(1500)  # give any injected onerror handler time to fire
    shot(page, "08-hostile-article-escaped.png")
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    injected = page.evaluate(
        """() => ({
          imgs: document.querySelectorAll('img[src="x"]').length,
          scripts: [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length,
          handlers: document.querySelectorAll('[onerror]').length,
          jsLinks: document.querySelectorAll('a[href^="javascript"]').length,
        })"""
    )
    assert injected == {"imgs": 0, "scripts": 0, "handlers": 0, "jsLinks": 0}


# -- the Feeds tab: a local feed server, the page's own process refreshing on schedule ----------
def _rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{path}</guid>"
        f"<pubDate>{date}</pubDate><description>Short teaser.</description></item>"
        for path, title, date in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour '
        f"Times - Local</title><link>{base}/</link><description>d</description>{entries}"
        "</channel></rss>"
    ).encode()


@pytest.fixture
def feed_site() -> Iterator[tuple[Any, list[tuple[str, str, str]]]]:
    """A local site: news pages, an RSS feed (ETag, 304) whose items a test may add to, and an
    RDF feed; yields (server, the RSS items)."""
    import hashlib

    from tests.test_feeds import PAGES, news_page, rdf

    html = {"Content-Type": "text/html; charset=utf-8"}
    items = [("/a/ferry", "Ferry gets sails", "Mon, 06 Nov 2023 08:00:00 GMT")]
    routes: dict[str, Any] = {p: Reply(200, news_page(t, s), html) for p, (t, s) in PAGES.items()}
    routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /a/private\n")
    with serve(routes) as site:

        def rss(headers: dict[str, str]) -> Reply:
            body = _rss(site.base, items)
            etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
            if headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

        routes["/rss"] = rss
        routes["/rdf"] = Reply(200, rdf(site.base), {"Content-Type": "application/rdf+xml"})
        yield site, items


@pytest.mark.slow
@pytest.mark.browser
def test_feeds_tab_adds_lists_refreshes_on_schedule_and_removes(
    browser: Any, tmp_path: Path, feed_site: tuple[Any, list[tuple[str, str, str]]]
) -> None:
    from playwright.sync_api import expect

    site, items = feed_site
    env = {
        "ASSISTANT_AUTO_SEED": "false",
        "ASSISTANT_ALLOW_PRIVATE_URLS": "true",  # the feed server is on 127.0.0.1
        "ASSISTANT_FEEDS__HOST_DELAY_S": "0",
        "ASSISTANT_FEEDS__PAGE_EVERY_MINUTES": "0.1",  # a scheduled refresh every 6 s
    }
    home = tmp_path / "home"
    with serve_ui(home, **env) as url:
        expect.set_options(timeout=90_000)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(90_000)
        try:
            page.goto(url)
            page.get_by_role("tab", name="Feeds").click()
            box = page.locator("#feed-url textarea, #feed-url input").first
            message, table = page.locator("#feed-message"), page.locator("#feeds")
            box.fill("not a url")
            page.click("#add-feed")
            expect(message).to_contain_text("http(s) URL")

            box.fill(site.url("/rss"))
            page.click("#add-feed")
            expect(message).to_contain_text("Harbour Times - Local: 1 new")
            expect(message).to_contain_text("1 indexed")
            box.fill(site.url("/rdf"))
            page.click("#add-feed")
            expect(message).to_contain_text("Valley Courier: 1 new")
            expect(table).to_contain_text(site.url("/rss"))
            expect(table).to_contain_text("Valley Courier")
            expect(page.locator("#feed-schedule")).to_contain_text("every 0.1 min")
            shot(page, "09-feeds-added.png")

            # The page's own process refreshes on its schedule: a new entry gets indexed
            # without anyone pressing a button, and the open page's list shows it.
            items.append(("/a/bridge", "Bridge reopens", "Tue, 07 Nov 2023 09:30:00 GMT"))
            rss_row = table.locator("tr", has_text=site.url("/rss"))
            expect(rss_row.locator("td").nth(3)).to_have_text("2")  # entries
            expect(page.locator("#feed-schedule")).to_contain_text("Last scheduled refresh")
            page.get_by_role("tab", name="Articles").click()
            expect(page.locator("#documents")).to_contain_text("Bridge reopens")
            expect(page.locator("#documents")).to_contain_text("Floating library opens")

            # Refresh now: nothing new, the feeds answer 304 or list their entries unchanged.
            page.get_by_role("tab", name="Feeds").click()
            page.click("#refresh-feeds")
            expect(message).to_contain_text("not modified (304)")
            expect(message).to_contain_text("0 chunks embedded")

            # Remove the RSS feed keeping its articles, then the RDF feed dropping its own.
            table.get_by_text(site.url("/rss")).last.click()
            expect(page.locator("#feed-pick input")).to_have_value(site.url("/rss"))
            page.click("#remove-feed")
            expect(message).to_contain_text("its 2 articles stay indexed")
            expect(table).not_to_contain_text(site.url("/rss"))
            table.get_by_text(site.url("/rdf")).last.click()
            expect(page.locator("#feed-pick input")).to_have_value(site.url("/rdf"))
            page.locator("#feed-articles").get_by_text("drop its articles").click()
            page.click("#remove-feed")
            expect(message).to_contain_text("its 1 article dropped from the index")
            expect(table).not_to_contain_text("Valley Courier")
            shot(page, "10-feeds-removed.png")
            page.get_by_role("tab", name="Articles").click()
            docs = page.locator("#documents")
            expect(docs).to_contain_text("Bridge reopens")
            expect(docs).to_contain_text("Ferry gets sails")
            expect(docs).not_to_contain_text("Floating library opens")
        finally:
            context.close()
    assert site.hits("/rss") >= 3  # added, at least one scheduled refresh, refresh now
