"""End to end on seeds/heldout_questions.jsonl, the same checks for every backend (real models).

The bars are checked on the held-out set, never on seeds/questions.jsonl, which the refusal gate
and the tie rule were tuned on.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from assistant import REFUSAL, Assistant, AssistantError, Settings
from tests.conftest import BIN, REPO, seed_questions

pytestmark = pytest.mark.slow


def norm(s: str) -> str:
    return re.sub(r"[^a-z0-9 ]", " ", s.lower().replace("’", "'"))


def score(a: Assistant) -> dict[str, float]:
    answered = cited = refused_ok = n_ans = n_un = 0
    for q in seed_questions("heldout_questions.jsonl"):
        ans = a.ask(q["question"])
        if q.get("unanswerable"):
            n_un += 1
            refused_ok += ans.refused and ans.answer == REFUSAL
            continue
        n_ans += 1
        ok = any(norm(x) in norm(ans.answer) for x in q["answers"])
        ev = all(any(norm(e) in norm(c.text) for c in ans.citations) for e in q["evidence"])
        answered += ok
        cited += ok and ev
        given = a.retrieve(ans.standalone_question)[: a.settings.retrieval.top_k]
        for c in ans.citations:
            # [n] names the n-th passage the answer step was given, and the citation quotes
            # its article file at the offsets it reports.
            chunk = given[c.n - 1].chunk
            assert (c.doc_id, c.start, c.end) == (chunk.doc_id, chunk.start, chunk.end)
            assert c.file and Path(c.file).read_text(encoding="utf-8")[c.start : c.end] == c.text
    return {"accuracy": answered / n_ans, "cited": cited / n_ans, "refusal": refused_ok / n_un}


@pytest.fixture(params=["extractive", "local", "openai"])
def backend_settings(request: pytest.FixtureRequest, seeded_home: Path) -> Settings:
    kw: dict = {}
    if request.param == "openai":
        base = request.getfixturevalue("llama_server")
        # The 135M model rambles; 80 tokens hold any one- or two-sentence answer.
        kw = {
            "openai_base_url": base,
            "openai_api_key": "test-key",
            "openai_model": "smollm2",
            "max_tokens": 80,
        }
    return Settings(home=seeded_home, llm=request.param, progress=False, **kw)


def test_seed_questions_per_backend(backend_settings: Settings) -> None:
    a = Assistant(backend_settings)
    result = score(a)
    print(backend_settings.llm, result)
    assert a.backend.name == backend_settings.llm
    # Measured on the held-out set (22 answerable, 10 unanswerable): extractive and local
    # 0.955, openai 0.909 answered; 0.7 declined for all three. The openai path is served here
    # by the same 135M model writing freely: the check keeps only supported sentences, but a
    # supported sentence need not answer the question, so its bar is lower. Three unanswerable
    # questions were answered with near misses of the asked role or kind ("chancellor" with the
    # foreign minister, "which company" with a ministry, NATO never named); session 5's role
    # rules (assistant/answer_roles.py) decline two, extractive 0.7 -> 0.9, but they were
    # written after reading those misses, so the bar stays at the level measured unseen.
    bar = 0.8 if backend_settings.llm == "openai" else 0.85
    assert result["accuracy"] >= bar
    assert result["cited"] >= bar
    assert result["refusal"] >= 0.6


def test_publications_outside_the_index(tmp_path: Path) -> None:
    seed = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    title, _, body = seed.partition("\n")
    corpus = tmp_path / "articles.jsonl"
    record = {"title": title, "body": body, "source": "Kyiv Daily", "published_at": "2024-11-11"}
    corpus.write_text(json.dumps(record) + "\n", encoding="utf-8")
    a = Assistant(Settings(home=tmp_path / "home", llm="extractive", progress=False))
    a.ingest([str(corpus)])
    question = "how many Ukrainian drones did Russia say it intercepted?"
    # The indexed source itself answers ...
    assert "84" in a.ask(f"According to Kyiv Daily, {question}").answer
    # ... no indexed article comes from Reuters and no passage quotes it: decline ...
    foreign = a.ask(f"According to Reuters, {question}")
    assert foreign.refused and foreign.answer == REFUSAL
    # ... but the article quotes The Washington Post, so that is answerable from it.
    quoted = a.ask("What did The Washington Post report that Trump highlighted?")
    assert not quoted.refused and "military" in quoted.answer


def test_a_question_whose_every_name_is_missing_is_declined(tmp_path: Path) -> None:
    # A new-user trial on MultiHop-RAG: "When did the SAG-AFTRA strike end?" was answered
    # "10:56" from a baseball game that no article about the strike stands beside.
    corpus = tmp_path / "articles.jsonl"
    record = {
        "title": "Rangers beat Diamondbacks in Game 3",
        "body": "10:56 p.m.: Bottom of 9th. Jose Leclerc strikes out both Christian Walker and "
        "Tommy Pham swinging to end the game. The Rangers lead the World Series two games to "
        "one after a 3-1 win in Phoenix on Monday night.",
        "source": "Sporting News",
        "published_at": "2023-10-30",
    }
    corpus.write_text(json.dumps(record) + "\n", encoding="utf-8")
    a = Assistant(Settings(home=tmp_path / "home", llm="extractive", progress=False))
    a.ingest([str(corpus)])
    ans = a.ask("When did the SAG-AFTRA strike end?")
    assert ans.refused and ans.refusal_reason is not None, ans.answer
    assert ans.refusal_reason.message == "The articles never mention SAG-AFTRA."
    assert not a.ask("Who struck out Christian Walker to end the game?").refused


def test_stream_yields_text_then_checked_answer(seeded_home: Path) -> None:
    a = Assistant(Settings(home=seeded_home, llm="local", progress=False))
    items = list(a.stream("How many people were injured in Monday's airstrikes?"))
    *pieces, final = items
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert "21" in final.answer and final.citations
    assert final.timings_ms["first_token_ms"] <= final.timings_ms["total_ms"]


def test_follow_up_uses_history(seeded_home: Path) -> None:
    a = Assistant(Settings(home=seeded_home, llm="extractive", progress=False))
    history = [
        {"role": "user", "content": "What happened near the Kurakhove reservoir dam?"},
        {"role": "assistant", "content": "Russian forces reportedly struck a dam [1]."},
    ]
    ans = a.chat("Which river could it flood?", history)
    assert "Vovcha" in ans.answer
    assert ans.standalone_question != ans.question


def test_cli_ask_json_contract(seeded_home: Path) -> None:
    env = dict(os.environ, ASSISTANT_HOME=str(seeded_home), ASSISTANT_LLM="extractive")
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    out = subprocess.run(
        [str(BIN / "assistant"), "ask", "Who is Trump's communications director?", "--json"],
        capture_output=True, text=True, env=env, cwd=REPO, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert {"answer", "citations", "refused", "timings_ms"} <= set(data)
    assert "Steven Cheung" in data["answer"] and data["refused"] is False
    c = data["citations"][0]
    keys = {"n", "doc_id", "title", "source", "url", "file", "published_at", "text", "start",
            "end", "score", "page", "also_in"}  # fmt: skip
    assert keys <= set(c)
    assert "path" not in c and data["refusal_reason"] is None
    article = Path(c["file"]).read_text(encoding="utf-8")
    assert article[c["start"] : c["end"]] == c["text"]
    status = subprocess.run(
        [str(BIN / "assistant"), "status", "--json"], capture_output=True, text=True, env=env,
        check=True,
    )  # fmt: skip
    info = json.loads(status.stdout)
    assert info["documents"] == 1 and info["embedding_model"] == "all-MiniLM-L6-v2"


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, ASSISTANT_HOME=str(tmp_path / "h"), ASSISTANT_LLM="openai")
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    out = subprocess.run(
        [str(BIN / "assistant"), "ingest", str(tmp_path / "missing")],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "No such file" in out.stderr
    with pytest.raises(AssistantError, match="OPENAI_API_KEY"):
        Assistant(Settings(home=tmp_path / "h2", llm="openai", progress=False)).backend  # noqa: B018


def test_an_event_no_article_names_narrows_nothing_and_stops_nothing(seeded_home: Path) -> None:
    # "the dam strike" is not how the article names it ("struck a dam"): the question is
    # searched as written, by ask and by retrieve (which eval calls), and the answer says so.
    a = Assistant(Settings(home=seeded_home, llm="extractive", progress=False))
    question = "Which river is at risk of flooding after the dam strike?"
    assert "Vovcha" in a.retrieve(question)[0].chunk.text
    ans = a.ask(question)
    assert "Vovcha" in ans.answer and ans.time_note and "dam strike" in ans.time_note
