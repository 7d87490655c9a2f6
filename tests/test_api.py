"""The OpenAI-compatible /v1 API of `assistant ui`: the request and stream format, auth and
errors (in-process), then the real server, driven by the real `openai` package, the plain
gradio_client and headless Chromium, answering with the openai backend against a scripted
model that streams word by word (tests/scripted_llm.py)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from assistant.answer import REFUSAL, Answer, RefusalReason
from tests.conftest import launch_chromium
from tests.scripted_llm import scripted_llm
from tests.test_ui import (
    _OBSERVER,
    DRONES_Q,
    SCREENSHOTS,
    FakeAssistant,
    ask,
    citation,
    serve_ui,
    shot,
)
from ui.api import MODEL_ID, answer_content, build_api, content_deltas, parse_messages
from ui.serve import create_server

KEY = "test-api-key"
FOLLOW_UP = "And how many drones did Russia launch on Saturday?"
OFF_TOPIC = "Who won the 2022 FIFA World Cup final in Qatar?"


def canned(question: str, history: list[dict[str, str]]) -> Answer:
    if "weather" in question:
        return Answer(
            answer=REFUSAL,
            refused=True,
            refusal_reason=RefusalReason("off_topic", "The passages found are not about it."),
        )
    if "boom" in question:
        raise RuntimeError("boom")
    return Answer(
        answer=f"Russia said it intercepted 84 drones [1]. There were {len(history)} turns [1].",
        citations=[citation()],
        suggestions=["What did Peskov deny?"],
    )


def sse_chunks(text: str) -> list[Any]:
    """The JSON events of an SSE body; the [DONE] marker as the string itself."""
    out: list[Any] = []
    for block in text.split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: ") :]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


# -- in process ------------------------------------------------------------------------------
def test_stream_deltas_join_to_the_message_content() -> None:
    ans = Answer(
        answer="Russia said it intercepted 84 drones [1]. Kyiv said 145 [2]. A third one [1].",
        citations=[citation(1), citation(2, title="Other")],
    )
    pieces = content_deltas(ans)
    assert "".join(pieces) == answer_content(ans)
    assert pieces[0] == "Russia said it intercepted 84 drones [1]."
    assert pieces[-1].startswith("\n\n**Sources**\n\n- [1] Drone report — Wire, 2024-11-18")
    refusal = Answer(answer=REFUSAL, refused=True)
    assert content_deltas(refusal) == [REFUSAL] == [answer_content(refusal)]


def test_messages_become_the_question_and_its_history() -> None:
    ans = Answer(answer="It said 84 [1].", citations=[citation()])
    question, history = parse_messages(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "How many drones?"}]},
            {"role": "assistant", "content": answer_content(ans)},
            {"role": "user", "content": " And on Saturday? "},
        ]
    )
    assert question == "And on Saturday?"
    # Our own Sources list is not conversation: it is cut from the history.
    assert history == [
        {"role": "user", "content": "How many drones?"},
        {"role": "assistant", "content": "It said 84 [1]."},
    ]


def test_api_answers_in_openai_shapes() -> None:
    client = TestClient(build_api(FakeAssistant(), answer_fn=canned))
    models = client.get("/models").json()
    assert models["object"] == "list" and models["data"][0]["id"] == MODEL_ID
    messages = [
        {"role": "user", "content": "How many drones?"},
        {"role": "assistant", "content": "84 [1]."},
        {"role": "user", "content": "Sure?"},
    ]
    r = client.post("/chat/completions", json={"model": MODEL_ID, "messages": messages})
    body = r.json()
    content = body["choices"][0]["message"]["content"]
    assert r.status_code == 200 and body["object"] == "chat.completion"
    assert content.startswith("Russia said it intercepted 84 drones [1]. There were 2 turns [1].")
    assert "**Sources**" in content and body["choices"][0]["finish_reason"] == "stop"
    assert body["citations"][0]["doc_id"] == "d1" and body["citations"][0]["file"] is None
    assert body["suggestions"] == ["What did Peskov deny?"] and body["refusal_reason"] is None
    usage = body["usage"]
    assert usage["prompt_tokens"] == 4 + 5 + 2 and usage["completion_tokens"] > 20
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]

    r = client.post(
        "/chat/completions", json={"model": MODEL_ID, "messages": messages, "stream": True}
    )
    assert r.headers["content-type"].startswith("text/event-stream")
    chunks = sse_chunks(r.text)
    assert chunks[-1] == "[DONE]" and chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    deltas = [c["choices"][0]["delta"].get("content", "") for c in chunks[:-1]]
    assert "".join(deltas) == content and len([d for d in deltas if d]) == 3
    last = chunks[-2]
    assert last["choices"][0]["finish_reason"] == "stop" and last["usage"] == usage
    assert last["citations"] == body["citations"] and last["suggestions"] == body["suggestions"]

    refused = client.post(
        "/chat/completions",
        json={"model": MODEL_ID, "messages": [{"role": "user", "content": "And the weather?"}]},
    ).json()
    assert refused["choices"][0]["message"]["content"] == REFUSAL and refused["refused"]
    assert refused["refusal_reason"]["code"] == "off_topic" and refused["citations"] == []


@pytest.mark.parametrize(
    ("payload", "status", "expected"),
    [
        ({"messages": [{"role": "user", "content": "q"}]}, 400, "'model' is required"),
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": "q"}]}, 404, "gpt-4o"),
        ({"model": MODEL_ID, "messages": []}, 400, "non-empty list"),
        ({"model": MODEL_ID, "messages": [{"role": "assistant", "content": "x"}]}, 400, "last"),
        ({"model": MODEL_ID, "messages": [{"role": "robot", "content": "x"}]}, 400, "role"),
        (
            {"model": MODEL_ID, "messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
            400,
            "text content parts",
        ),
        ({"model": MODEL_ID, "n": 2, "messages": [{"role": "user", "content": "q"}]}, 400, "n=1"),
        ({"model": MODEL_ID, "messages": [{"role": "user", "content": "boom"}]}, 500, "failed"),
    ],
)
def test_errors_use_the_openai_error_format(
    payload: dict[str, Any], status: int, expected: str
) -> None:
    client = TestClient(build_api(FakeAssistant(), answer_fn=canned), raise_server_exceptions=False)
    r = client.post("/chat/completions", json=payload)
    err = r.json()["error"]
    assert r.status_code == status and expected in err["message"], err
    assert set(err) == {"message", "type", "param", "code"} and "\n" not in err["message"]


def test_bad_json_and_unknown_routes_are_openai_errors() -> None:
    client = TestClient(build_api(FakeAssistant(), answer_fn=canned))
    r = client.post("/chat/completions", content=b"{not json")
    assert r.status_code == 400 and "not JSON" in r.json()["error"]["message"]
    huge = {"model": MODEL_ID, "messages": [{"role": "user", "content": "x" * 1_000_001}]}
    r = client.post("/chat/completions", json=huge)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    r = client.get("/embeddings")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_as_of_is_the_reference_date_of_the_question() -> None:
    from tests.test_ui import DatedAssistant

    fake = DatedAssistant()
    client = TestClient(build_api(fake))
    body = {"model": MODEL_ID, "messages": [{"role": "user", "content": "What is the latest?"}]}
    assert client.post("/chat/completions", json={**body, "as_of": "2023-11-30"}).status_code == 200
    streamed = client.post(
        "/chat/completions", json={**body, "as_of": "2023-10-01", "stream": True}
    )
    assert sse_chunks(streamed.text)[-1] == "[DONE]"
    assert client.post("/chat/completions", json=body).status_code == 200
    assert fake.as_of == ["2023-11-30", "2023-10-01", None]
    for bad in ("30/11/2023", 20231130):
        r = client.post("/chat/completions", json={**body, "as_of": bad})
        err = r.json()["error"]
        assert r.status_code == 400 and err["param"] == "as_of" and "YYYY-MM-DD" in err["message"]
    assert len(fake.as_of) == 3


def test_a_failing_stream_ends_with_an_error_event() -> None:
    client = TestClient(build_api(FakeAssistant(), answer_fn=canned))
    r = client.post(
        "/chat/completions",
        json={"model": MODEL_ID, "stream": True, "messages": [{"role": "user", "content": "boom"}]},
    )
    chunks = sse_chunks(r.text)
    assert chunks[-1] == "[DONE]" and "failed" in chunks[-2]["error"]["message"]


def test_bearer_key_is_checked() -> None:
    client = TestClient(build_api(FakeAssistant(), api_key=KEY, answer_fn=canned))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}):
        r = client.get("/models", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    assert client.get("/models", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


def test_non_loopback_host_refuses_v1_without_a_key() -> None:
    app = create_server(FakeAssistant(), host="0.0.0.0", users=[("ann", "pw")])
    with TestClient(app) as client:
        r = client.get("/v1/models")
        assert r.status_code == 403 and "ASSISTANT_API_KEY" in r.json()["error"]["message"]
        assert client.get("/config").status_code == 401  # the page asks for --auth
    app = create_server(FakeAssistant(), host="0.0.0.0", users=[("ann", "pw")], api_key=KEY)
    with TestClient(app) as client:
        r = client.get("/v1/models", headers={"Authorization": f"Bearer {KEY}"})
        assert r.status_code == 200


# -- the real server -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory, seeded_home: Path) -> Iterator[str]:
    """`assistant ui` with the openai backend on a scripted streaming model and an API key."""
    home = tmp_path_factory.mktemp("api") / "home"
    shutil.copytree(seeded_home, home)
    with (
        scripted_llm() as llm_url,
        serve_ui(
            home,
            ASSISTANT_LLM="openai",
            OPENAI_BASE_URL=llm_url,
            OPENAI_API_KEY="scripted",
            ASSISTANT_OPENAI_MODEL="scripted",
            ASSISTANT_API_KEY=KEY,
        ) as url,
    ):
        yield url


def _openai(url: str, key: str = KEY) -> Any:
    from openai import OpenAI

    return OpenAI(base_url=url + "v1", api_key=key, max_retries=0, timeout=120)


def _streamed(client: Any, messages: list[dict[str, str]]) -> tuple[str, Any]:
    """(joined content deltas, last chunk) of a streamed completion."""
    parts: list[str] = []
    last = None
    for chunk in client.chat.completions.create(model=MODEL_ID, messages=messages, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        last = chunk
    return "".join(parts), last


def _cited(citations: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(c["doc_id"], c["start"], c["end"]) for c in citations]


@pytest.mark.slow
def test_openai_client_streaming_and_not_agree(api_server: str) -> None:
    client = _openai(api_server)
    assert [m.id for m in client.models.list()] == [MODEL_ID]
    messages = [{"role": "user", "content": DRONES_Q}]
    r = client.chat.completions.create(model=MODEL_ID, messages=messages)
    content = r.choices[0].message.content
    extra = r.model_extra
    assert "84" in content and "**Sources**" in content and extra["refused"] is False
    c = extra["citations"][0]
    article = Path(c["file"]).read_text(encoding="utf-8")
    assert article[c["start"] : c["end"]] == c["text"] and "84 Ukrainian drones" in c["text"]
    assert r.usage.completion_tokens > 0 and r.usage.prompt_tokens > 0
    joined, last = _streamed(client, messages)
    assert joined == content
    assert _cited(last.model_extra["citations"]) == _cited(extra["citations"])
    assert last.model_extra["suggestions"] == extra["suggestions"] and last.usage.total_tokens


@pytest.mark.slow
def test_openai_client_multi_turn_conversation(api_server: str) -> None:
    client = _openai(api_server)
    messages = [{"role": "user", "content": DRONES_Q}]
    first = client.chat.completions.create(model=MODEL_ID, messages=messages)
    messages += [
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": FOLLOW_UP},
    ]
    second = client.chat.completions.create(model=MODEL_ID, messages=messages)
    assert "145" in second.choices[0].message.content
    # Without the first turn, "and" has nothing to follow: the answer differs.
    alone = client.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": FOLLOW_UP}]
    )
    assert alone.choices[0].message.content != second.choices[0].message.content or (
        "145" in alone.choices[0].message.content
    )


@pytest.mark.slow
def test_declined_question_carries_its_reason(api_server: str) -> None:
    client = _openai(api_server)
    messages = [{"role": "user", "content": OFF_TOPIC}]
    r = client.chat.completions.create(model=MODEL_ID, messages=messages)
    assert r.choices[0].message.content == REFUSAL and r.model_extra["refused"] is True
    assert r.model_extra["refusal_reason"]["code"] == "off_topic"
    assert r.model_extra["citations"] == [] and r.model_extra["suggestions"] == []
    joined, last = _streamed(client, messages)
    assert joined == REFUSAL and last.model_extra["refusal_reason"]["code"] == "off_topic"


@pytest.mark.slow
def test_wrong_key_is_refused_by_the_server(api_server: str) -> None:
    import openai

    with pytest.raises(openai.AuthenticationError, match="ASSISTANT_API_KEY"):
        _openai(api_server, key="wrong").models.list()


@pytest.mark.slow
def test_each_suggestion_asked_is_answered(api_server: str) -> None:
    client = _openai(api_server)
    r = client.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": DRONES_Q}]
    )
    suggestions = r.model_extra["suggestions"]
    doc = r.model_extra["citations"][0]["doc_id"]
    assert 1 <= len(suggestions) <= 3
    for s in suggestions:
        a = client.chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": s}]
        )
        assert a.model_extra["refused"] is False, (s, a.model_extra["refusal_reason"])
        assert doc in {c["doc_id"] for c in a.model_extra["citations"]}


@pytest.mark.slow
@pytest.mark.browser
def test_openai_gradio_client_and_browser_get_the_same_cited_answer(
    api_server: str, tmp_path: Path
) -> None:
    """One question through the three doors; the page also shows the answer streaming in
    (the scripted model sends a word at a time), then reopens it as a saved conversation."""
    from gradio_client import Client

    messages = [{"role": "user", "content": DRONES_Q}]
    api = _openai(api_server).chat.completions.create(model=MODEL_ID, messages=messages)
    api_text = api.choices[0].message.content.split("\n\n**Sources**")[0]
    api_cited = _cited(api.model_extra["citations"])
    joined, last = _streamed(_openai(api_server), messages)
    assert joined.split("\n\n**Sources**")[0] == api_text
    assert _cited(last.model_extra["citations"]) == api_cited

    g = Client(api_server, verbose=False).predict(DRONES_Q, api_name="/ask")
    assert g["answer"] == api_text and _cited(g["citations"]) == api_cited

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(180_000)
            expect.set_options(timeout=60_000)
            page.goto(api_server)
            page.wait_for_selector("#question textarea")
            page.evaluate(_OBSERVER)
            record = ask(page, DRONES_Q)
            # The stream grew in the page before the checked answer replaced it.
            partial = [t for t in record["texts"] if t != record["final"]]
            assert partial and all(len(t) < len(record["final"]) for t in partial), record
            assert _squash(record["final"]) == _squash(api_text)
            entries = page.locator("#sources-panel .src-entry")
            page_cited = [
                (e.get_attribute("data-doc-id"), int(e.get_attribute("data-start") or -1),
                 int(e.get_attribute("data-end") or -1))
                for e in entries.all()
            ]  # fmt: skip
            assert page_cited == api_cited
            shot(page, "10-api-same-answer.png")
            ttft = {"streaming_ttft_ms": round(record["ttft_ms"], 1), "updates": len(partial)}
            (SCREENSHOTS / "timings-streaming.json").write_text(json.dumps(ttft), encoding="utf-8")
            print(f"\npage, scripted streaming model: {ttft}")

            # Suggestions show as chips under the answer; one, clicked, is answered.
            suggestions = api.model_extra["suggestions"]
            assert suggestions
            chat = page.locator("#chatbot")
            for text in suggestions:
                expect(chat.get_by_role("button", name=text, exact=True)).to_be_visible()
            suggestion = suggestions[0]
            bots = page.locator('#chatbot [data-testid="bot"]')
            n = bots.count()
            chat.get_by_role("button", name=suggestion, exact=True).click()
            page.wait_for_function(
                "(n) => document.querySelectorAll('#chatbot [data-testid=\"bot\"]').length > n"
                " && document.querySelectorAll('#chatbot [data-testid=\"bot\"]')[n]"
                ".querySelector('a.cite')",
                arg=n,
            )
            assert REFUSAL not in bots.last.inner_text()
            shot(page, "11-suggestion-answered.png")

            # The conversation survives a reload: open it from the saved list.
            page.reload()
            page.wait_for_selector("#question textarea")
            page.locator("#conversations-panel").get_by_text("Conversations").first.click()
            page.locator("#conversation-list input").click()
            page.get_by_role("option", name=re.compile(re.escape(DRONES_Q[:30]))).first.click()
            expect(page.locator('#chatbot [data-testid="bot"]').first).to_contain_text("84")
            expect(page.locator('#chatbot [data-testid="user"]').last).to_contain_text(suggestion)
            page.click("#export-markdown")
            link = page.locator('#export-file a[download], #export-file [data-testid="file"] a')
            expect(link.first).to_be_visible()
            with page.expect_download() as download:
                link.first.click()
            exported = Path(download.value.path()).read_text(encoding="utf-8")
            assert f"**You:** {DRONES_Q}" in exported and "**Sources**" in exported
            assert api.model_extra["citations"][0]["text"][:40] in exported
            shot(page, "12-conversation-reopened.png")

            # Rename, then delete: the list follows and the chat is cleared.
            page.locator("#conversation-title textarea, #conversation-title input").first.fill(
                "Drone counts"
            )
            page.click("#rename-conversation")
            expect(page.locator("#conversation-message")).to_contain_text("Renamed")
            page.locator("#conversation-list input").click()
            expect(page.get_by_role("option", name=re.compile("^Drone counts"))).to_be_visible()
            page.keyboard.press("Escape")
            page.click("#delete-conversation")
            expect(page.locator("#conversation-message")).to_contain_text("Deleted")
            expect(page.locator('#chatbot [data-testid="bot"]')).to_have_count(0)
            page.locator("#conversation-list input").click()
            expect(page.get_by_role("option")).to_have_count(0)
        finally:
            browser.close()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace(" .", ".").strip()
