"""Saved conversations: the page's and `Assistant.chat`'s chats, kept in the data home's SQLite
catalog (HOME/catalog.sqlite3) so a reload, a restart or another process can continue them.

The tables below belong to this module; index/catalog.py owns the articles and chunks tables of
the same file. Each connection is short-lived and opened in WAL mode with a busy timeout, so the
page, the /v1 API and an ingest in another process can all use the file at once.

    store = ConversationStore(settings.catalog_path)
    cid = store.create(user="ann", title="Drones")
    store.add_turn(cid, "How many drones?", answer)
    print(store.export_markdown(cid, user="ann"))
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.answer import Answer, Citation, RefusalReason
from index.errors import AssistantError

TITLE_CHARS = 80  # a conversation's default title: its first question, cut to this length

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, user TEXT NOT NULL DEFAULT '', title TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_user ON conversations(user, updated_at);
CREATE TABLE IF NOT EXISTS conversation_messages (
    conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL,
    content TEXT NOT NULL, answer TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Message:
    """One turn: a user question, or an assistant answer (with its `ask --json` object)."""

    role: str
    content: str
    created_at: str
    answer: dict[str, Any] | None = None


@dataclass
class Conversation:
    id: str
    user: str
    title: str
    created_at: str
    updated_at: str
    messages: list[Message] = field(default_factory=list)

    def history(self) -> list[dict[str, str]]:
        """The messages as chat history for Assistant.ask/chat."""
        return [{"role": m.role, "content": m.content} for m in self.messages]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "messages": [
                {"role": m.role, "content": m.content, "created_at": m.created_at}
                | ({"answer": m.answer} if m.answer is not None else {})
                for m in self.messages
            ],
        }


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """An Answer back from its to_dict() object (as saved with a conversation)."""
    reason = d.get("refusal_reason")
    return Answer(
        answer=str(d.get("answer", "")),
        citations=[Citation(**c) for c in d.get("citations") or []],
        refused=bool(d.get("refused")),
        refusal_reason=RefusalReason(**reason) if reason else None,
        question=str(d.get("question", "")),
        standalone_question=str(d.get("standalone_question", "")),
        backend=str(d.get("backend", "")),
        dropped_sentences=list(d.get("dropped_sentences") or []),
        repaired_citations=list(d.get("repaired_citations") or []),
        fallback=d.get("fallback"),
        timings_ms=dict(d.get("timings_ms") or {}),
        suggestions=list(d.get("suggestions") or []),
    )


class ConversationStore:
    """Conversations of one data home. `user` scopes every call: '' is the single user of a
    page without --auth; `user=None` (the Python API) reaches every conversation."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            for stmt in filter(str.strip, _SCHEMA.split(";")):
                db.execute(stmt)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # One connection per call: threads of the page and the API never share one, and
        # `with db` commits the call's statements as one transaction.
        try:
            db = sqlite3.connect(str(self.path), timeout=30.0)
        except sqlite3.Error as err:
            raise AssistantError(
                f"Cannot open the conversation store {self.path} ({err}); check ASSISTANT_HOME."
            ) from None
        try:
            db.execute("PRAGMA busy_timeout=30000")
            with db:
                yield db
        finally:
            db.close()

    def create(self, user: str = "", title: str = "") -> str:
        """A new empty conversation; returns its id."""
        cid = uuid.uuid4().hex[:12]
        now = _now()
        with self._db() as db:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (cid, user or "", title.strip() or "New conversation", now, now),
            )
        return cid

    def _owned(self, db: sqlite3.Connection, cid: str, user: str | None) -> tuple[Any, ...]:
        row = db.execute(
            "SELECT id, user, title, created_at, updated_at FROM conversations WHERE id = ?",
            (cid,),
        ).fetchone()
        if row is None or (user is not None and row[1] != user):
            raise AssistantError(
                f"No saved conversation '{cid}'; list the saved ones with "
                "ConversationStore.list() or in the page's Conversations panel."
            )
        return tuple(row)

    def list(self, user: str | None = "") -> list[Conversation]:
        """The user's conversations, newest first (messages not loaded)."""
        sql = "SELECT id, user, title, created_at, updated_at FROM conversations"
        args: tuple[Any, ...] = ()
        if user is not None:
            sql += " WHERE user = ?"
            args = (user,)
        with self._db() as db:
            rows = db.execute(sql + " ORDER BY updated_at DESC, rowid DESC", args).fetchall()
        return [Conversation(*row) for row in rows]

    def get(self, cid: str, user: str | None = "") -> Conversation:
        with self._db() as db:
            conv = Conversation(*self._owned(db, cid, user))
            rows = db.execute(
                "SELECT role, content, created_at, answer FROM conversation_messages "
                "WHERE conversation_id = ? ORDER BY seq",
                (cid,),
            ).fetchall()
        conv.messages = [
            Message(role, content, created, json.loads(answer) if answer else None)
            for role, content, created, answer in rows
        ]
        return conv

    def add_turn(self, cid: str, question: str, answer: Answer, user: str | None = "") -> None:
        """Append a question and its answer (in one transaction); the first question names a
        conversation that still has the default title."""
        now = _now()
        with self._db() as db:
            _, _, title, _, _ = self._owned(db, cid, user)
            seq = db.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM conversation_messages "
                "WHERE conversation_id = ?",
                (cid,),
            ).fetchone()[0]
            db.execute(
                "INSERT INTO conversation_messages VALUES (?, ?, 'user', ?, NULL, ?)",
                (cid, seq, question, now),
            )
            db.execute(
                "INSERT INTO conversation_messages VALUES (?, ?, 'assistant', ?, ?, ?)",
                (cid, seq + 1, answer.answer, json.dumps(answer.to_dict()), now),
            )
            if seq == 0 and title == "New conversation":
                title = _title_from(question)
            db.execute(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?",
                (title, now, cid),
            )

    def drop_last_turn(self, cid: str, user: str | None = "") -> None:
        """Remove the newest question and its answer (the page's undo and retry)."""
        with self._db() as db:
            self._owned(db, cid, user)
            row = db.execute(
                "SELECT MAX(seq) FROM conversation_messages WHERE conversation_id = ? "
                "AND role = 'user'",
                (cid,),
            ).fetchone()
            if row[0] is not None:
                db.execute(
                    "DELETE FROM conversation_messages WHERE conversation_id = ? AND seq >= ?",
                    (cid, row[0]),
                )

    def rename(self, cid: str, title: str, user: str | None = "") -> None:
        title = " ".join(title.split())
        if not title:
            raise AssistantError("The new title is empty; type a name for the conversation.")
        with self._db() as db:
            self._owned(db, cid, user)
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, cid))

    def delete(self, cid: str, user: str | None = "") -> None:
        with self._db() as db:
            self._owned(db, cid, user)
            db.execute("DELETE FROM conversation_messages WHERE conversation_id = ?", (cid,))
            db.execute("DELETE FROM conversations WHERE id = ?", (cid,))

    def export_json(self, cid: str, user: str | None = "") -> dict[str, Any]:
        """The conversation with every answer's `ask --json` object (citations included)."""
        return self.get(cid, user).to_dict()

    def export_markdown(self, cid: str, user: str | None = "") -> str:
        """The conversation as Markdown; each answer is followed by its sources."""
        conv = self.get(cid, user)
        out = [f"# {conv.title}", "", f"_Saved conversation {conv.id}, {conv.created_at}._", ""]
        for m in conv.messages:
            if m.role == "user":
                out += [f"**You:** {m.content}", ""]
                continue
            out += [f"**Assistant:** {m.content}", ""]
            if m.answer is None:
                continue
            ans = answer_from_dict(m.answer)
            if ans.refusal_reason is not None:
                out += [f"_Declined ({ans.refusal_reason.code}): {ans.refusal_reason.message}_", ""]
            sources = sources_markdown(ans.citations, quote=True)
            if sources:
                out += [sources, ""]
        return "\n".join(out).rstrip() + "\n"


def _title_from(question: str) -> str:
    q = " ".join(question.split())
    return q if len(q) <= TITLE_CHARS else q[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def citation_line(c: Citation) -> str:
    """One Markdown list item naming a cited passage: title, outlet, date, where to read it."""
    parts = [f"[{c.n}] {c.title or '(untitled)'}"]
    meta = [x for x in (c.source, (c.published_at or "")[:10]) if x]
    if meta:
        parts.append(", ".join(meta))
    where = c.url or c.file
    if where:
        parts.append(f"<{where}>" if c.url else f"`{where}`")
    parts.append(f"chars {c.start}–{c.end}")
    return "- " + " — ".join(parts)


def sources_markdown(citations: list[Citation], quote: bool = False) -> str:
    """A Markdown "Sources" list for the citations (empty string when there are none);
    with quote, each passage follows its item as a block quote."""
    if not citations:
        return ""
    lines = ["**Sources**", ""]
    for c in citations:
        lines.append(citation_line(c))
        if quote:
            lines.append("")
            lines.extend("  > " + line if line else "  >" for line in c.text.strip().splitlines())
            lines.append("")
    return "\n".join(lines).rstrip()


def continue_conversation(
    assistant: Any, cid: str, message: str, user: str | None = None
) -> Answer:
    """Answer `message` with the saved conversation's history, then save the turn."""
    store = ConversationStore(assistant.settings.catalog_path)
    history = store.get(cid, user).history()
    answer: Answer = assistant.ask(message, history=history)
    store.add_turn(cid, message, answer, user)
    return answer
