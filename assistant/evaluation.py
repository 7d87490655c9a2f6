"""`assistant eval`: score the assistant against a question set, from Python or the command line.

    from assistant import Assistant
    from assistant.evaluation import evaluate
    result = evaluate(Assistant(), "seeds/questions.jsonl", limit=5)
    result.summary["answer_accuracy"], result.records[0]["verdicts"]
    result.write_report("report/")

The questions are asked against whatever the current index (ASSISTANT_HOME) holds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant import metrics as m
from assistant.answer import Answer
from assistant.questions import Question, load_questions, select
from assistant.retrieval_metrics import score_query
from assistant.text import strip_markers
from index.errors import AssistantError

if TYPE_CHECKING:
    from assistant.backends import Backend
    from assistant.settings import Settings
    from index.retrieval import Hit

RETRIEVE_K = 10  # the benchmark's top-10
EXCERPT_CHARS = 300

EPILOG = """\
question sets:
  .jsonl  one object a line: {"question": ..., "answers": [...], "unanswerable": false,
          "evidence": [strings a correct citation must contain], "sources": [...], "type": ...}
  .csv    header row question,answers,unanswerable,evidence,type ('|' separates list items)
  .json   the MultiHop-RAG query file (queries-dev.json) is read as it is

The questions are asked against the current index (ASSISTANT_HOME; the seed articles are
indexed first if it is empty), so index the set's corpus first. For MultiHop-RAG:
  assistant ingest ../shared/data/multihop-rag/corpus.json
  assistant eval ../shared/data/multihop-rag/queries-dev.json --sample 200 --report out/

examples:
  assistant eval seeds/questions.jsonl --report out/ --fail-under answer_accuracy=0.6
  assistant eval queries-dev.json --retrieval-only --json --fail-under hits@10=0.7
  assistant eval seeds/questions.jsonl --compare out/      (deltas against an earlier report)
"""


class EvalTarget(Protocol):
    """What evaluate() needs of an Assistant (a stand-in with these works in tests)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def backend(self) -> Backend: ...

    def ask(self, question: str) -> Answer: ...

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]: ...


@dataclass
class EvalResult:
    """Summary metrics (the `eval --json` object) and one record per question."""

    summary: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)

    def write_report(self, out_dir: str | Path) -> dict[str, Path]:
        from assistant.report import write_report

        return write_report(out_dir, self.summary, self.records)

    def compare(self, old: str | Path | dict[str, Any]) -> dict[str, dict[str, float | None]]:
        from assistant.report import compare, load_summary

        return compare(self.summary, old if isinstance(old, dict) else load_summary(old))

    def failures(self, bars: dict[str, float]) -> list[str]:
        """One message per metric below its bar (a metric the set cannot compute fails too)."""
        out: list[str] = []
        for name, bar in bars.items():
            value = self.summary.get(name)
            if value is None:
                out.append(f"{name} could not be computed for this question set (bar {bar})")
            elif float(value) < bar:
                out.append(f"{name} = {float(value):.4g} is below {bar:g}")
        return out


def _judge(target: EvalTarget, q: Question, answer_text: str) -> bool | None:
    from prompts import render

    prompt = render(
        "judge", question=q.question, expected=" / ".join(q.answers), answer=answer_text
    )
    reply = (target.backend.complete(prompt) or "").strip().upper()
    if "INCORRECT" in reply:
        return False
    return True if "CORRECT" in reply else None


def score_question(
    target: EvalTarget, q: Question, retrieval_only: bool = False, judge: bool = False
) -> dict[str, Any]:
    """Ask (unless retrieval_only), retrieve the top 10, and score one question."""
    record: dict[str, Any] = {
        "id": q.id,
        "question": q.question,
        "type": q.type,
        "expected": q.answers,
        "unanswerable": q.unanswerable,
        "evidence": q.evidence,
        "answer": None,
        "refused": None,
        "citations": [],
        "verdicts": {},
        "retrieval": {},
        "timings_ms": {},
    }
    verdicts: dict[str, Any] = record["verdicts"]
    hits: list[Hit] | None = None
    if not retrieval_only:
        t = time.perf_counter()
        ans, hits = _ask_capturing(target, q.question)
        record["latency_ms"] = round((time.perf_counter() - t) * 1000, 1)
        record["timings_ms"] = {k: round(v, 1) for k, v in ans.timings_ms.items()}
        refused = m.is_refusal(ans.answer, ans.refused)
        record.update(
            answer=ans.answer,
            refused=refused,
            backend=ans.backend,
            fallback=ans.fallback,
            dropped_sentences=len(ans.dropped_sentences),
            repaired_citations=len(ans.repaired_citations),
            citations=[
                {"n": c.n, "doc_id": c.doc_id, "title": c.title, "text": c.text[:EXCERPT_CHARS]}
                for c in ans.citations
            ],
        )
        plain = strip_markers(ans.answer)
        if q.unanswerable:
            verdicts["refusal_correct"] = refused
            verdicts["correct"] = refused
        else:
            verdicts["false_refusal"] = refused
            if q.answers:
                ok = not refused and m.answer_correct(plain, q.answers)
                verdicts.update(correct=ok, answer_correct=ok)
                verdicts["f1"] = 0.0 if refused else round(m.token_f1(plain, q.answers), 4)
                if judge:
                    verdicts["judge_correct"] = False if refused else _judge(target, q, plain)
        if q.evidence:
            texts = [c.text for c in ans.citations]
            verdicts["citation_precision"] = m.citation_precision(texts, q.evidence)
            verdicts["citation_recall"] = m.citation_recall(texts, q.evidence)
    if q.evidence or retrieval_only:
        if hits is None:
            t = time.perf_counter()
            hits = target.retrieve(q.question, RETRIEVE_K)
            retrieve_ms = round((time.perf_counter() - t) * 1000, 1)
            record["timings_ms"]["eval_retrieve_ms"] = retrieve_ms
            if retrieval_only:
                record["latency_ms"] = retrieve_ms
        texts = [h.chunk.text for h in hits[:RETRIEVE_K]]
        if q.evidence:
            record["retrieval"] = {
                **score_query(texts, q.evidence),
                **m.retrieval_ranks(texts, q.evidence),
            }
        record["retrieval"]["top"] = [h.chunk.doc_id for h in hits[:RETRIEVE_K]]
    return record


def _ask_capturing(target: EvalTarget, question: str) -> tuple[Answer, list[Hit] | None]:
    """Ask, keeping the top-10 the answer step retrieved for this very question (if it did),
    so the retrieval metrics need no second search; None when it cannot be reused."""
    captured: list[list[Hit]] = []
    original = target.retrieve

    def spy(text: str, k: int | None = None, *args: Any, **kwargs: Any) -> list[Hit]:
        hits = original(text, k, *args, **kwargs)
        if text == question and k == RETRIEVE_K and not any(args) and not any(kwargs.values()):
            captured.append(hits)
        return hits

    had_own = "retrieve" in getattr(target, "__dict__", {})
    try:
        setattr(target, "retrieve", spy)  # noqa: B010  (an instance attribute shadows the method)
    except (AttributeError, TypeError):
        return target.ask(question), None
    try:
        answer = target.ask(question)
    finally:
        if had_own:
            setattr(target, "retrieve", original)  # noqa: B010
        else:
            delattr(target, "retrieve")
    return answer, (captured[0][:RETRIEVE_K] if len(captured) == 1 else None)


def _progress_text(records: list[dict[str, Any]], retrieval_only: bool) -> str:
    if retrieval_only:
        vals = [r["retrieval"]["hits@10"] for r in records if "hits@10" in r["retrieval"]]
        return f"hits@10={sum(vals) / len(vals):.2f}" if vals else ""
    vals = [r["verdicts"]["correct"] for r in records if "correct" in r["verdicts"]]
    return f"acc={sum(vals) / len(vals):.2f}" if vals else ""


def evaluate(
    assistant: EvalTarget,
    questions: str | Path | Sequence[Question],
    *,
    retrieval_only: bool = False,
    judge: bool = False,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    types: Sequence[str] | None = None,
    progress: bool | None = None,
) -> EvalResult:
    """Score `assistant` on a question set (a path or loaded Questions); see EvalResult."""
    name = str(questions) if isinstance(questions, (str, Path)) else "questions"
    loaded = load_questions(questions) if isinstance(questions, (str, Path)) else list(questions)
    chosen = select(loaded, types=types, sample=sample, seed=seed, limit=limit)
    settings = assistant.settings
    if judge and not retrieval_only and settings.resolved_llm() != "openai":
        raise AssistantError(
            "--judge needs the openai backend: set OPENAI_API_KEY or OPENAI_BASE_URL "
            "(and ASSISTANT_LLM=openai or auto)."
        )
    from tqdm import tqdm

    show = settings.progress if progress is None else progress
    # Open the index, models and backend (and auto-seed an empty index) outside the timings.
    t = time.perf_counter()
    if chosen:
        assistant.retrieve(chosen[0].question, RETRIEVE_K)
        if not retrieval_only:
            assistant.backend  # noqa: B018
    warmup_s = round(time.perf_counter() - t, 1)
    bar = tqdm(chosen, desc="eval", unit="q", file=sys.stderr, disable=not show)
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    for q in bar:
        records.append(score_question(assistant, q, retrieval_only, judge and not retrieval_only))
        bar.set_postfix_str(_progress_text(records, retrieval_only), refresh=False)
    bar.close()
    summary = m.summarize(records)
    summary["meta"] = {
        "questions": name,
        "questions_in_set": len(loaded),
        "llm": "none (retrieval only)" if retrieval_only else _llm_name(assistant),
        "documents": _documents(assistant),
        "retrieval_only": retrieval_only,
        "judge": judge and not retrieval_only,
        "selection": {"limit": limit, "sample": sample, "seed": seed, "types": list(types or [])},
        "wall_s": round(time.perf_counter() - started, 1),
        "warmup_s": warmup_s,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return EvalResult(summary=summary, records=records)


def _llm_name(target: EvalTarget) -> str:
    return str(getattr(target, "llm_name", None) or target.settings.resolved_llm())


def _documents(target: EvalTarget) -> int | None:
    # The catalog counts them (an Assistant); a target without one (a benchmark's) says None.
    home = getattr(target, "home", None)
    catalog = getattr(home, "catalog", None)
    return catalog.count_articles() if catalog is not None else None


# -- command line -----------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = EPILOG
    p.add_argument("questions", metavar="QUESTIONS", help=".jsonl, .csv or MultiHop-RAG .json")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--retrieval-only", action="store_true", help="score retrieval only (no answers; fast)"
    )
    p.add_argument("--report", metavar="DIR", help="write records, summary, charts, md/html here")
    p.add_argument("--limit", type=_positive, metavar="N", help="only the first N questions")
    p.add_argument("--sample", type=_positive, metavar="N", help="a random sample of N questions")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed for --sample (0)")
    p.add_argument(
        "--type",
        action="append",
        metavar="TYPE",
        help="only this question type (repeatable, or a,b)",
    )
    p.add_argument("--compare", metavar="OLD_REPORT_DIR", help="print deltas vs an earlier report")
    p.add_argument(
        "--fail-under",
        action="extend",
        nargs="+",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when a summary metric is below VALUE (e.g. hits@10=0.9)",
    )
    p.add_argument(
        "--judge", action="store_true", help="also grade answers with the LLM (openai backend)"
    )


def parse_bars(specs: Sequence[str]) -> dict[str, float]:
    """{'hits@10': 0.9} from ['hits@10=0.9']; unknown metrics and bad values are errors."""
    known = [*m.MEAN_METRICS, "latency_ms_p50", "latency_ms_p95", "n"]
    bars: dict[str, float] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep:
            raise AssistantError(
                f"--fail-under takes METRIC=VALUE (e.g. hits@10=0.9), got {spec!r}; "
                "put the question file before --fail-under."
            )
        if name.strip() not in known:
            raise AssistantError(
                f"--fail-under: unknown metric {name!r}; use one of {', '.join(known)}."
            )
        try:
            bars[name.strip()] = float(value)
        except ValueError:
            raise AssistantError(f"--fail-under {spec}: {value!r} is not a number.") from None
    return bars


def cli_eval(args: argparse.Namespace) -> int:
    from assistant.core import Assistant
    from assistant.report import format_compare, format_summary, load_summary
    from assistant.settings import Settings

    bars = parse_bars(args.fail_under or [])
    old = load_summary(args.compare) if args.compare else None  # fail before the long run
    questions = load_questions(args.questions)
    result = evaluate(
        Assistant(Settings()),
        questions,
        retrieval_only=args.retrieval_only,
        judge=args.judge,
        limit=args.limit,
        sample=args.sample,
        seed=args.seed,
        types=args.type,
    )
    result.summary["meta"]["questions"] = args.questions
    result.summary["meta"]["questions_in_set"] = len(questions)
    summary = result.summary
    if summary.get("n_with_evidence", 0) >= 3 and summary.get("hits@10") == 0.0:
        print(
            "warning: no retrieved passage held any evidence; is this set's corpus indexed? "
            "(`assistant status`; `assistant ingest CORPUS`)",
            file=sys.stderr,
        )
    deltas = result.compare(old) if old is not None else None
    if args.report:
        written = result.write_report(args.report)
        print(f"report written to {written['report.html']}", file=sys.stderr)
    if args.json:
        out = dict(summary)
        if deltas is not None:
            out["compare"] = deltas
        print(json.dumps(out, indent=2))
    else:
        print(format_summary(summary))
        if deltas is not None:
            print(format_compare(deltas, str(args.compare)))
    failed = result.failures(bars)
    for message in failed:
        print(f"eval failed: {message} (--fail-under)", file=sys.stderr)
    return 1 if failed else 0
