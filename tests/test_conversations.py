"""Saved conversations (SQLite in the home's catalog file) and follow-up suggestions."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant import Assistant, ConversationStore, Settings
from assistant.answer import REFUSAL, Answer, RefusalReason
from assistant.conversations import answer_from_dict
from assistant.suggestions import candidate_questions, suggest
from index.errors import AssistantError
from tests.test_ui import DRONES_Q, FakeAssistant, citation
from ui.app import Handlers

ANSWER = Answer(
    answer="Russia said it intercepted 84 drones [1].",
    citations=[citation()],
    question="How many drones?",
    timings_ms={"total_ms": 12.5},
)


def test_conversations_are_saved_listed_renamed_and_deleted(tmp_path: Path) -> None:
    path = tmp_path / "home" / "catalog.sqlite3"
    store = ConversationStore(path)
    cid = store.create("ann")
    store.add_turn(cid, "How many drones?", ANSWER, "ann")
    refused = Answer(
        answer=REFUSAL,
        refused=True,
        refusal_reason=RefusalReason("unindexed_source", "No indexed article comes from Reuters."),
    )
    store.add_turn(cid, "What did Reuters say?", refused, "ann")
    # Another process (a new store on the same file) sees it; the title is the first question.
    again = ConversationStore(path)
    [conv] = again.list("ann")
    assert conv.title == "How many drones?" and conv.id == cid
    full = again.get(cid, "ann")
    assert [m.role for m in full.messages] == ["user", "assistant", "user", "assistant"]
    assert full.history()[1] == {"role": "assistant", "content": ANSWER.answer}
    back = answer_from_dict(full.messages[1].answer or {})
    assert back.citations == ANSWER.citations and back.timings_ms == {"total_ms": 12.5}
    assert answer_from_dict(full.messages[3].answer or {}).refusal_reason == refused.refusal_reason
    store.drop_last_turn(cid, "ann")  # the page's undo
    assert [m.content for m in store.get(cid, "ann").messages] == [
        "How many drones?",
        ANSWER.answer,
    ]
    store.add_turn(cid, "What did Reuters say?", refused, "ann")
    store.rename(cid, "  Drone   counts ", "ann")
    assert store.list("ann")[0].title == "Drone counts"
    with pytest.raises(AssistantError, match="title is empty"):
        store.rename(cid, "  ", "ann")
    store.delete(cid, "ann")
    assert store.list("ann") == []
    with pytest.raises(AssistantError, match="No saved conversation"):
        store.get(cid, "ann")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM conversation_messages").fetchone()[0] == 0


def test_each_user_sees_only_their_own(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "catalog.sqlite3")
    ann = store.create("ann", "Ann's")
    bob = store.create("bob", "Bob's")
    assert [c.title for c in store.list("ann")] == ["Ann's"]
    assert [c.title for c in store.list("bob")] == ["Bob's"]
    for call in (
        lambda: store.get(bob, "ann"),
        lambda: store.rename(bob, "mine now", "ann"),
        lambda: store.delete(bob, "ann"),
        lambda: store.add_turn(bob, "q", ANSWER, "ann"),
        lambda: store.export_markdown(bob, "ann"),
    ):
        with pytest.raises(AssistantError, match="No saved conversation"):
            call()
    assert store.get(bob, "bob").title == "Bob's"
    assert {c.id for c in store.list(None)} == {ann, bob}  # the Python API sees all


def test_exports_hold_the_sources(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "catalog.sqlite3")
    cid = store.create()
    store.add_turn(cid, "How many drones?", ANSWER)
    md = store.export_markdown(cid)
    assert md.startswith("# How many drones?\n")
    assert "**You:** How many drones?" in md and f"**Assistant:** {ANSWER.answer}" in md
    assert (
        "**Sources**" in md
        and "- [1] Drone report — Wire, 2024-11-18 — <https://example.com/a>" in md
    )
    assert "  > Russia said it intercepted 84 drones. Other news." in md
    data = json.loads(json.dumps(store.export_json(cid)))
    assert data["messages"][1]["answer"]["citations"][0]["start"] == 10


def test_concurrent_turns_are_all_saved(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "catalog.sqlite3")
    ids = [store.create() for _ in range(4)]

    def run(cid: str) -> None:
        for i in range(5):
            store.add_turn(cid, f"question {i}", ANSWER)

    threads = [threading.Thread(target=run, args=(cid,)) for cid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(store.get(cid).messages) == 10 for cid in ids)


def test_the_page_saves_each_turn_for_its_user(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "catalog.sqlite3")
    h = Handlers(FakeAssistant(), store)
    session = {"user": "ann", "conversation": None}
    *_, (reply, _panel, saved_session, listing) = h.respond(
        "How many drones?", [], None, "", "", session
    )
    cid = saved_session["conversation"]
    assert cid and store.get(cid, "ann").messages[0].content == "How many drones?"
    assert listing.value == cid  # the list shows the new conversation, selected
    list(h.respond("And then?", [], None, "", "", saved_session))
    assert len(store.get(cid, "ann").messages) == 4
    assert store.list("bob") == [] and reply["content"]


def test_a_page_load_lists_only_the_signed_in_users_conversations(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "catalog.sqlite3")
    ann = store.create("ann", "Ann's")
    store.create("bob", "Bob's")
    h = Handlers(FakeAssistant(), store)
    session, listing = h.start_session(SimpleNamespace(username="ann"))  # type: ignore[arg-type]
    assert session == {"user": "ann", "conversation": None}
    assert [value for _label, value in listing.choices] == [ann]
    session, listing = h.start_session(SimpleNamespace(username=None))  # type: ignore[arg-type]
    assert session["user"] == "" and listing.choices == []


def test_suggestion_questions_come_from_article_sentences() -> None:
    text = (
        "Kremlin spokesperson Dmitry Peskov denied the reports, calling them fiction. "
        "The Washington Post reported that talks took place. Officials said nothing. "
        "Local head Vadym Filashkin warned that the dam could fail. It said more. "
        "Former prosecutor Josh Naftalis spoke first. “It is over,” Naftalis said."
    )
    assert [q for q, _, _ in candidate_questions(text)] == [
        "What did Dmitry Peskov deny?",
        "What did the Washington Post report?",
        "What did Vadym Filashkin warn about?",
        "What did Josh Naftalis say?",
    ]
    # Noun phrases the pattern catches are not names to ask about.
    noise = (
        "Epic’s claims were clear. The final season of Sort Of confirmed it. CEOs argued for "
        "cuts. Though Epic said no."
    )
    assert [q for q, _, _ in candidate_questions(noise)] == ["What did Epic say?"]


@pytest.mark.slow
def test_chat_continues_a_saved_conversation_and_suggestions_are_answered(
    seeded_copy: Path,
) -> None:
    a = Assistant(Settings(home=seeded_copy, llm="extractive", progress=False))
    store = ConversationStore(a.settings.catalog_path)
    cid = store.create(title="Drones")
    first = a.chat(DRONES_Q, conversation_id=cid)
    follow = a.chat("And how many drones did Russia launch on Saturday?", conversation_id=cid)
    assert "84" in first.answer and "145" in follow.answer
    assert "Ministry" in follow.standalone_question  # rewritten with the saved history
    conv = store.get(cid, None)
    assert conv.title == "Drones" and len(conv.messages) == 4
    with pytest.raises(AssistantError, match="No saved conversation"):
        a.chat("Anything?", conversation_id="nope")
    with pytest.raises(AssistantError, match="either history or conversation_id"):
        a.chat("Anything?", history=[{"role": "user", "content": "x"}], conversation_id=cid)

    suggestions = suggest(a, first)
    assert 1 <= len(suggestions) <= 3 and len(set(suggestions)) == len(suggestions)
    doc = first.citations[0].doc_id
    for s in suggestions:
        ans = a.ask(s)
        assert not ans.refused, (s, ans.refusal_reason)
        assert doc in {c.doc_id for c in ans.citations}
    assert suggest(a, a.ask("Who won the 2022 FIFA World Cup final in Qatar?")) == []
