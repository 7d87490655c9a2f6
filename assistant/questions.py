"""Question sets for `assistant eval`: JSONL, CSV, and the MultiHop-RAG query file read directly.

JSONL, one object a line::

    {"question": "...", "answers": ["..."], "evidence": ["..."], "type": "person"}
    {"question": "...", "answers": [], "unanswerable": true}

CSV with a header row: question, answers (acceptable answers separated by '|'), unanswerable
(true/false), and optional evidence / sources ('|'-separated) and type.

MultiHop-RAG (queries-dev.json, a JSON list of {query, answer, question_type, evidence_list}):
answers = [answer], evidence = the evidence facts, type = question_type, and null queries
(answer "Insufficient information.") are unanswerable.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.errors import AssistantError
from index.loaders import read_jsonl

MULTIHOP_NULL_TYPE = "null_query"
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


@dataclass
class Question:
    """One question of a set; `answers` empty and `unanswerable` true when the corpus cannot say."""

    question: str
    answers: list[str] = field(default_factory=list)
    unanswerable: bool = False
    evidence: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    type: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        if not self.type:
            self.type = "unanswerable" if self.unanswerable else "untyped"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _strings(value: Any, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, dict) and "fact" in item:
                item = item["fact"]
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                raise AssistantError(
                    f"{where}: '{name}' must be a list of strings; fix that entry."
                )
            if str(item).strip():
                out.append(str(item))
        return out
    raise AssistantError(f"{where}: '{name}' must be a list of strings; fix that entry.")


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise AssistantError(f"{where}: 'unanswerable' must be true or false, not {value!r}.")


def question_from_record(record: Any, where: str, number: int) -> Question:
    """A Question from one JSON object of our format (`where` names it in error messages)."""
    if not isinstance(record, dict):
        raise AssistantError(
            f'{where} is not a JSON object: write {{"question": ..., "answers": [...]}}.'
        )
    text = record.get("question")
    if not isinstance(text, str) or not text.strip():
        raise AssistantError(
            f"{where} has no 'question' text: each entry needs "
            '{"question": "...", "answers": ["..."]}.'
        )
    answers = _strings(record.get("answers", record.get("answer")), where, "answers")
    unanswerable = _bool(record.get("unanswerable", False), where)
    if not answers and not unanswerable and not record.get("evidence"):
        # A typo in the key ("answer s") would leave the question silently unscored.
        raise AssistantError(
            f"{where} has no 'answers': give the acceptable answers (or the 'evidence' for a "
            'retrieval-only set), or "unanswerable": true when the articles cannot say.'
        )
    return Question(
        question=text.strip(),
        answers=[] if unanswerable else answers,
        unanswerable=unanswerable,
        evidence=_strings(record.get("evidence"), where, "evidence"),
        sources=_strings(record.get("sources"), where, "sources"),
        type=str(record.get("type") or ""),
        id=str(record.get("id") or number),
    )


def _multihop_question(record: Any, where: str, number: int) -> Question:
    if not isinstance(record, dict) or not isinstance(record.get("query"), str):
        raise AssistantError(f"{where} is not a MultiHop-RAG query: it needs a 'query' string.")
    qtype = str(record.get("question_type") or "")
    evidence = record.get("evidence_list") or []
    facts = [str(e.get("fact", "")) for e in evidence if isinstance(e, dict) and e.get("fact")]
    sources = sorted(
        {str(e["source"]) for e in evidence if isinstance(e, dict) and e.get("source")}
    )
    unanswerable = qtype == MULTIHOP_NULL_TYPE
    answer = str(record.get("answer") or "").strip()
    return Question(
        question=record["query"].strip(),
        answers=[] if unanswerable or not answer else [answer],
        unanswerable=unanswerable,
        evidence=facts,
        sources=sources,
        type=qtype,
        id=str(number),
    )


def _load_jsonl(path: Path, text: str) -> list[Question]:
    return [
        question_from_record(record, f"{path} line {number}", number)
        for number, record in read_jsonl(text, path)
    ]


def _load_json(path: Path, text: str) -> list[Question]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if text.lstrip().startswith("{"):
            return _load_jsonl(path, text)  # JSONL saved as .json
        raise AssistantError(
            f"{path} is not valid JSON (line {err.lineno}: {err.msg}): fix the file."
        ) from None
    if isinstance(data, dict):
        data = data.get("questions", data.get("queries", [data]))
    if not isinstance(data, list):
        raise AssistantError(f"{path} must hold a JSON list of questions; fix the file.")
    if data and isinstance(data[0], dict) and "query" in data[0] and "question" not in data[0]:
        return [_multihop_question(r, f"{path} entry {i}", i) for i, r in enumerate(data, 1)]
    return [question_from_record(r, f"{path} entry {i}", i) for i, r in enumerate(data, 1)]


def _split_bar(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split("|") if p.strip()]


def _load_csv(path: Path, text: str) -> list[Question]:
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "question" not in fields:
        raise AssistantError(
            f"{path} has no 'question' column: the first row must be a header such as "
            "question,answers,unanswerable,evidence,type."
        )
    out: list[Question] = []
    for number, raw in enumerate(reader, 2):
        row = {str(k).strip().lower(): (v or "") for k, v in raw.items() if k is not None}
        where = f"{path} line {number}"
        if not row.get("question", "").strip():
            if not any(v.strip() for v in row.values()):
                continue
            raise AssistantError(
                f"{where} has an empty 'question' cell: fill it or delete the row."
            )
        unanswerable = _bool(row.get("unanswerable", ""), where)
        answers = _split_bar(row.get("answers", row.get("answer")))
        evidence = _split_bar(row.get("evidence"))
        if not unanswerable and not answers and not evidence:
            raise AssistantError(
                f"{where} has no 'answers' cell: give the acceptable answers separated by "
                "'|' (or the evidence for a retrieval-only set), or unanswerable = true."
            )
        out.append(
            Question(
                question=row["question"].strip(),
                answers=[] if unanswerable else answers,
                unanswerable=unanswerable,
                evidence=evidence,
                sources=_split_bar(row.get("sources")),
                type=row.get("type", "").strip(),
                id=row.get("id", "").strip() or str(number),
            )
        )
    return out


def load_questions(path: str | Path) -> list[Question]:
    """Read a question set: .jsonl, .csv, or .json (a list, or the MultiHop-RAG query file)."""
    p = Path(path)
    if not p.is_file():
        raise AssistantError(
            f"Question file {p} not found: give the path of a .jsonl, .csv or "
            "MultiHop-RAG .json file."
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AssistantError(f"{p} is not UTF-8 text: save it as UTF-8.") from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        questions = _load_csv(p, text)
    elif suffix == ".json":
        questions = _load_json(p, text)
    elif suffix in {".jsonl", ".ndjson"} or text.lstrip().startswith("{"):
        questions = _load_jsonl(p, text)
    elif text.lstrip().startswith("["):
        questions = _load_json(p, text)
    else:
        raise AssistantError(f"Cannot tell the format of {p}: name it .jsonl, .csv or .json.")
    if not questions:
        raise AssistantError(f"{p} holds no questions: add at least one.")
    return questions


def select(
    questions: Sequence[Question],
    types: Iterable[str] | None = None,
    sample: int | None = None,
    seed: int = 0,
    limit: int | None = None,
) -> list[Question]:
    """Filter by type, then take a seeded random sample (kept in file order), then the first N."""
    out = list(questions)
    wanted = {t.strip() for spec in (types or []) for t in spec.split(",") if t.strip()}
    if wanted:
        known = sorted({q.type for q in out})
        out = [q for q in out if q.type in wanted]
        if not out:
            raise AssistantError(
                f"No question has type {', '.join(sorted(wanted))}; the set's types are: "
                f"{', '.join(known)}."
            )
    if sample is not None and sample < len(out):
        keep = set(random.Random(seed).sample(range(len(out)), sample))
        out = [q for i, q in enumerate(out) if i in keep]
    if limit is not None:
        out = out[:limit]
    return out
