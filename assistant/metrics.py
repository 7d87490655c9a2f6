"""Scoring for `assistant eval`: answer normalisation, correctness, F1, citations, aggregation.

Answers are compared after normalisation: [n] markers dropped, lower-case, punctuation and the
articles a/an/the removed, number words turned into digits ("twenty-one" -> "21", "1,000" ->
"1000", "2 million" -> "2000000"). An answer is correct when some acceptable answer equals it
or appears in it as whole words. Yes/no questions (an acceptable answer is just yes or no) are
scored on the answer's leading yes/no; an answer that does not start with yes/no is wrong.
Retrieval and citation checks use the MultiHop-RAG relevance rule (whitespace-free substring).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from assistant.citations import is_refusal as looks_refused
from assistant.retrieval_metrics import fact_found
from assistant.text import strip_markers
from index.text import SCALES, TENS, UNITS

ARTICLES = frozenset({"a", "an", "the"})
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SCALED = re.compile(r"^\d+(?:\.\d+)?$")


def _strip_punctuation(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "%":
            out.append(" percent ")
        elif unicodedata.category(ch).startswith(("P", "S")):
            between_digits = (
                0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            )
            out.append(ch if ch == "." and between_digits else " ")
        else:
            out.append(ch)
    return "".join(out)


def _number_run(tokens: list[str], i: int) -> tuple[int, int] | None:
    """(value, tokens used) of a spelled number starting at tokens[i] (below a thousand)."""

    def small(j: int) -> tuple[int, int] | None:
        if j < len(tokens) and tokens[j] in TENS:
            if j + 1 < len(tokens) and tokens[j + 1] in UNITS and 0 < UNITS[tokens[j + 1]] < 10:
                return TENS[tokens[j]] + UNITS[tokens[j + 1]], 2
            return TENS[tokens[j]], 1
        if j < len(tokens) and tokens[j] in UNITS:
            return UNITS[tokens[j]], 1
        return None

    first = small(i)
    if first is None:
        return None
    value, used = first
    if i + used < len(tokens) and tokens[i + used] == "hundred" and value < 10:
        value, used = value * 100, used + 1
        j = i + used + (1 if i + used < len(tokens) and tokens[i + used] == "and" else 0)
        rest = small(j)
        if rest is not None and rest[0] < 100:
            value, used = value + rest[0], j - i + rest[1]
    return value, used


def normalize_tokens(text: str) -> list[str]:
    """The answer-comparison tokens of a text (see the module docstring)."""
    text = strip_markers(text or "").lower()
    text = _DIGIT_COMMA.sub("", text)
    tokens = _strip_punctuation(text).split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        run = _number_run(tokens, i)
        if run is not None:
            out.append(str(run[0]))
            i += run[1]
            continue
        tok = tokens[i]
        if tok in SCALES and out and _SCALED.match(out[-1]):
            scaled = float(out[-1]) * SCALES[tok]
            if scaled.is_integer():
                out[-1] = str(int(scaled))
                i += 1
                continue
        if tok not in ARTICLES:
            out.append(tok)
        i += 1
    return out


def normalize(text: str) -> str:
    return " ".join(normalize_tokens(text))


def yes_no(text: str) -> str | None:
    """'yes' or 'no' when the text is just that answer, else None."""
    norm = normalize(text)
    return norm if norm in {"yes", "no"} else None


def is_yes_no_question(answers: Sequence[str]) -> bool:
    return bool(answers) and any(yes_no(a) for a in answers)


def is_refusal(text: str, refused: bool = False) -> bool:
    """Declined: flagged so, or worded as a refusal (the citation check's one meaning)."""
    return refused or looks_refused(text)


def answer_correct(answer: str, answers: Sequence[str]) -> bool:
    """Whether the answer gives one of the acceptable answers (yes/no scored as yes/no)."""
    tokens = normalize_tokens(answer)
    if not tokens or not answers:
        return False
    if is_yes_no_question(answers):
        return tokens[0] in {yes_no(a) for a in answers}
    padded = f" {' '.join(tokens)} "
    for expected in answers:
        exp = normalize(expected)
        if exp and f" {exp} " in padded:
            return True
    return False


def token_f1(answer: str, answers: Sequence[str]) -> float:
    """SQuAD-style token F1 against the best acceptable answer (yes/no: 1.0 when correct)."""
    if not answers:
        return 0.0
    if is_yes_no_question(answers):
        return float(answer_correct(answer, answers))
    got = normalize_tokens(answer)
    best = 0.0
    for expected in answers:
        exp = normalize_tokens(expected)
        common = sum((Counter(got) & Counter(exp)).values())
        if common == 0:
            continue
        precision, recall = common / len(got), common / len(exp)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def citation_precision(cited_texts: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of cited passages containing some evidence string (None without citations)."""
    if not cited_texts or not evidence:
        return None
    good = sum(1 for text in cited_texts if any(fact_found(text, e) for e in evidence))
    return good / len(cited_texts)


def citation_recall(cited_texts: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of evidence strings found in some cited passage (None without evidence)."""
    if not evidence:
        return None
    found = sum(1 for e in evidence if any(fact_found(text, e) for text in cited_texts))
    return found / len(evidence)


def retrieval_ranks(chunk_texts: Sequence[str], evidence: Sequence[str]) -> dict[str, Any]:
    """Where the evidence turned up: ranks (1-based) of relevant chunks, and per fact."""
    relevant = [r for r, t in enumerate(chunk_texts, 1) if any(fact_found(t, e) for e in evidence)]
    fact_ranks = [
        next((r for r, t in enumerate(chunk_texts, 1) if fact_found(t, e)), None) for e in evidence
    ]
    return {
        "relevant_ranks": relevant,
        "first_relevant_rank": relevant[0] if relevant else None,
        "fact_ranks": fact_ranks,
    }


# -- aggregation -------------------------------------------------------------------------

# Summary metric -> (record section, field); a mean over the records where the field is set.
MEAN_METRICS: dict[str, tuple[str, str]] = {
    "answer_accuracy": ("verdicts", "correct"),
    "answerable_accuracy": ("verdicts", "answer_correct"),
    "f1": ("verdicts", "f1"),
    "refusal_accuracy": ("verdicts", "refusal_correct"),
    "false_refusal_rate": ("verdicts", "false_refusal"),
    "citation_precision": ("verdicts", "citation_precision"),
    "citation_recall": ("verdicts", "citation_recall"),
    "judge_accuracy": ("verdicts", "judge_correct"),
    "hits@4": ("retrieval", "hits@4"),
    "hits@10": ("retrieval", "hits@10"),
    "mrr@10": ("retrieval", "mrr@10"),
    "fact_recall@10": ("retrieval", "fact_recall@10"),
    "all_facts@10": ("retrieval", "all_facts@10"),
}
METRIC_HELP = {
    "answer_accuracy": "correct answers, all questions (unanswerable: correct when refused)",
    "answerable_accuracy": "correct answers among answerable questions with answers",
    "f1": "token F1 against the best acceptable answer (answerable questions)",
    "refusal_accuracy": "unanswerable questions refused",
    "false_refusal_rate": "answerable questions refused",
    "citation_precision": "cited passages containing an evidence string",
    "citation_recall": "evidence strings found in some cited passage",
    "judge_accuracy": "LLM judge says CORRECT (answerable questions)",
}


def _mean(values: Iterable[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def summarize(records: Sequence[dict[str, Any]], by_type: bool = True) -> dict[str, Any]:
    """The summary metrics of a list of eval records (null where none applies)."""
    out: dict[str, Any] = {"n": len(records)}
    for name, (section, key) in MEAN_METRICS.items():
        out[name] = _mean(r.get(section, {}).get(key) for r in records)
    latencies = [float(r["latency_ms"]) for r in records if r.get("latency_ms") is not None]
    out["latency_ms_p50"] = _percentile(latencies, 50)
    out["latency_ms_p95"] = _percentile(latencies, 95)
    answered = [r for r in records if r.get("answer") is not None]
    out["n_answerable"] = sum(1 for r in records if not r.get("unanswerable"))
    out["n_unanswerable"] = sum(1 for r in records if r.get("unanswerable"))
    out["n_with_evidence"] = sum(1 for r in records if r.get("evidence"))
    out["refused"] = sum(1 for r in answered if r.get("refused"))
    out["dropped_sentences"] = sum(int(r.get("dropped_sentences", 0)) for r in answered)
    out["repaired_citations"] = sum(int(r.get("repaired_citations", 0)) for r in answered)
    out["answers_with_dropped"] = sum(1 for r in answered if r.get("dropped_sentences"))
    out["fallbacks"] = sum(1 for r in answered if r.get("fallback"))
    if by_type:
        types = sorted({str(r.get("type", "")) for r in records})
        out["by_type"] = {
            t: summarize([r for r in records if r.get("type") == t], by_type=False) for t in types
        }
    return out


def numeric_metrics(summary: dict[str, Any]) -> dict[str, float | None]:
    """The top-level numeric entries of a summary (what --compare and --fail-under use)."""
    return {
        k: (None if v is None else float(v))
        for k, v in summary.items()
        if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
    }
