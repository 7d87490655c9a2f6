"""Prompt templates live here as .txt files; loading one checks its variables."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from index.errors import AssistantError

PROMPTS_DIR = Path(__file__).resolve().parent

# Each template and exactly the variables it must use.
EXPECTED: dict[str, frozenset[str]] = {
    "answer": frozenset({"passages", "question"}),
    "answer_system": frozenset({"refusal"}),
    "condense": frozenset({"history", "question"}),
    "judge": frozenset({"question", "expected", "answer"}),
    "verify": frozenset({"claims"}),
    "verdict": frozenset({"evidence", "question"}),
}


def template_variables(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@lru_cache(maxsize=16)
def load_prompt(name: str) -> str:
    """The template `name`, after checking it uses exactly the expected variables."""
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.exists():
        raise AssistantError(f"No prompt file {path}; restore it from the repository.")
    text = path.read_text(encoding="utf-8")
    found = template_variables(text)
    expected = EXPECTED.get(name)
    if expected is not None and found != expected:
        raise AssistantError(
            f"Prompt {path.name} uses variables {sorted(found)} but needs exactly "
            f"{sorted(expected)}; fix the template."
        )
    return text


def render(name: str, **values: str) -> str:
    return load_prompt(name).format(**values)


__all__ = ["EXPECTED", "load_prompt", "render", "template_variables"]
