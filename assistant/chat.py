"""Follow-up questions: turn chat history + a new message into a standalone question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.text import MARKER_RE, STOPWORDS, content_words, names, words
from prompts import render

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|what about|how about|then)\b|\b(he|she|it|they|them|his|her|its|"
    r"their|this|that|these|those|there|him)\b",
    re.I,
)

Message = dict[str, str]

_WHO = re.compile(r"^\s*(who|whom|whose|which)\b", re.I)
_PERSON = re.compile(r"\b(he|she|him|they|them|his|her|their)\b(\s+[\w'’-]+)?", re.I)
_NAME_GLUE = {"of", "the", "and", "de", "del", "da", "van", "von", "al", "bin", "la", "le"}


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


def answered_name(history: list[Message]) -> str | None:
    """The name a "who/which" question of the last turn was answered with ("Sam Altman [2]. In
    a post..." -> "Sam Altman"), or None when the last turn was not such a question and answer.
    """
    if len(history) < 2 or history[-1]["role"] != "assistant" or history[-2]["role"] != "user":
        return None
    if not _WHO.match(history[-2]["content"]):
        return None
    text = MARKER_RE.sub("", history[-1]["content"]).strip()
    # The first sentence; "U.S. Steel." does not end at the "S." of its initials.
    head = re.split(r"(?<![A-Z])\.\s|\n", text, maxsplit=1)[0].strip().rstrip(".")
    tokens = head.split()
    if not 1 <= len(tokens) <= 5 or not tokens[0][:1].isupper():
        return None
    if not all(t[:1].isupper() or t[:1].isdigit() or t.lower() in _NAME_GLUE for t in tokens):
        return None  # a sentence (the refusal, "The board fired him"), not a name
    return head


def resolve_pronouns(question: str, name: str) -> str:
    """ "Where did he go?" -> "Where did Sam Altman go?": a person pronoun means the name the
    last answer gave; possessives take "'s" ("her" does before a content word)."""
    if name.lower() in question.lower():
        return question

    def swap(m: re.Match[str]) -> str:
        pronoun, following = m.group(1).lower(), m.group(2) or ""
        possessive = pronoun in ("his", "their") or (
            pronoun == "her" and bool(following) and following.strip().lower() not in STOPWORDS
        )
        return f"{name}'s{following}" if possessive else f"{name}{following}"

    return _PERSON.sub(swap, question, count=1)


def keyword_rewrite(question: str, history: list[Message]) -> str:
    """Cheap rewrite that needs no LLM: a person pronoun becomes the name the last answer gave
    to a "who" question, and the topic words of the last user turn are carried over."""
    last_user = next((m["content"] for m in reversed(history) if m["role"] == "user"), "")
    if not last_user:
        return question
    name = answered_name(history)
    if name:
        question = resolve_pronouns(question, name)
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
