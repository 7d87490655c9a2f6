"""Follow-up questions: turn chat history + a new message into a standalone question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.text import STOPWORDS, content_words, names, words
from prompts import render

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|what about|how about|then)\b|\b(he|she|it|they|them|his|her|its|"
    r"their|this|that|these|those|there|him)\b",
    re.I,
)

Message = dict[str, str]


def normalise_history(history: Sequence[Any] | None) -> list[Message]:
    """Accept [{"role", "content"}] messages or [(user, assistant)] pairs."""
    out: list[Message] = []
    for item in history or []:
        if isinstance(item, dict):
            content = item.get("content")
            if isinstance(content, list):  # Gradio 6 content parts
                content = " ".join(
                    str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content
                )
            if content:
                out.append({"role": str(item.get("role", "user")), "content": str(content)})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            user, bot = item
            if user:
                out.append({"role": "user", "content": str(user)})
            if bot:
                out.append({"role": "assistant", "content": str(bot)})
    return out


def bound_history(history: list[Message], max_tokens: int) -> list[Message]:
    """The newest messages that fit in max_tokens (about 0.75 words a token)."""
    kept: list[Message] = []
    used = 0
    for msg in reversed(history):
        cost = int(len(words(msg["content"])) / 0.75) + 4
        if used + cost > max_tokens:
            break
        kept.append(msg)
        used += cost
    return list(reversed(kept))


def needs_rewrite(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) or len(content_words(question)) < 2


def keyword_rewrite(question: str, history: list[Message]) -> str:
    """Cheap rewrite that needs no LLM: carry the topic words of the last user turn over."""
    last_user = next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
    if not last_user:
        return question
    have = content_words(question)
    topic = [
        w
        for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’\-]*", last_user)
        if w.lower() not in STOPWORDS and len(w) > 2 and w.lower() not in have
    ]
    named = [w for w in topic if any(n.startswith(w.lower()[:4]) for n in names(last_user))]
    extra = list(dict.fromkeys(named + topic))[:10]
    return f"{question.strip()} ({' '.join(extra)})" if extra else question


def condense(
    question: str, history: Sequence[Any] | None, max_tokens: int, llm_complete: Any = None
) -> str:
    """A standalone version of question; the LLM rewrites when one is given, else keywords."""
    msgs = bound_history(normalise_history(history), max_tokens)
    if not msgs or not needs_rewrite(question):
        return question
    if llm_complete is not None:
        transcript = "\n".join(f"{m['role']}: {m['content']}" for m in msgs)
        try:
            rewritten = llm_complete(render("condense", history=transcript, question=question))
        except Exception:
            rewritten = None
        if rewritten:
            line = rewritten.strip().splitlines()[0].strip().strip('"')
            # Keep the LLM's rewrite only if it kept the question's own content words.
            if line and content_words(question) <= content_words(line) | {""}:
                return line
    return keyword_rewrite(question, msgs)
