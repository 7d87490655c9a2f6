"""Answer accuracy on MultiHop-RAG dev without building a data home: the real `Assistant.stream`
(refusal gate, backend, citation check, type check) and the real eval scoring, over the
retrieval benchmark's cached chunks and vectors (benchmarks/multihop_retrieval.py builds them
once, ~10 min on 2 cores). Prints `assistant eval`'s summary by question type, plus the
verdict figures of comparison and temporal questions.

    .venv/bin/python benchmarks/multihop_answers.py --sample 300 --seed 1
    ASSISTANT_LLM=local .venv/bin/python benchmarks/multihop_answers.py --sample 300 --seed 1

The same figures with a data home: `assistant eval ../shared/data/multihop-rag/queries-dev.json
--sample 300 --seed 1` (it draws the same sample: `select` in assistant/evaluation.py).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from multihop_retrieval import DATA_DIR, load_corpus_index

from assistant import metrics
from assistant.core import Assistant
from assistant.evaluation import evaluate
from assistant.settings import Settings
from index.embeddings import bundled_embedder
from index.retrieval import Filters, Hit, HybridIndex


class CachedAssistant(Assistant):
    """The Assistant over an in-memory HybridIndex (no Chroma, no catalog)."""

    def __init__(
        self, index: HybridIndex, settings: Settings, hits: dict[str, list[Hit]] | None = None
    ) -> None:
        super().__init__(settings)
        self._cached = index
        self._embedder = index.embedder
        # Question -> retrieved hits: a rerun of the answer step skips retrieval (--hits-cache).
        self.hits: dict[str, list[Hit]] = hits if hits is not None else {}

    @property
    def home(self) -> Any:  # type: ignore[override]
        n = len({c.doc_id for c in self._cached.chunks})
        # No wire copies without a catalog: each cited story has no other outlets.
        return SimpleNamespace(
            catalog=SimpleNamespace(count_articles=lambda: n, copies_of=lambda ids: {})
        )

    def _ensure_corpus(self) -> None:
        return None

    def _current_index(self) -> HybridIndex:
        return self._cached

    def retrieve(
        self, question: str, k: int | None = None, filters: Filters | None = None, *_: Any
    ) -> list[Hit]:
        # The eval asks without a reference date (as_of), so relative time is not resolved.
        if filters is None and question in self.hits:
            return self.hits[question]
        found = self._cached.search(question, k=k or self.settings.retrieve_k, filters=filters)
        if filters is None:
            self.hits[question] = found
        return found


def verdict_figures(records: list[dict[str, Any]]) -> dict[str, Any]:
    """For yes/no questions: how many got a verdict, their accuracy, the majority share."""
    out: dict[str, Any] = {}
    for qtype in ("comparison_query", "temporal_query"):
        rows = [
            r
            for r in records
            if r.get("type") == qtype and metrics.is_yes_no_question(r["expected"])
        ]
        given = [r for r in rows if metrics.yes_no(_lead(r.get("answer") or ""))]
        right = [r for r in given if r["verdicts"].get("correct")]
        gold = Counter(metrics.yes_no(r["expected"][0]) for r in given)
        out[qtype] = {
            "yes_no_questions": len(rows),
            "verdicts": len(given),
            "verdict_share": round(len(given) / len(rows), 3) if rows else None,
            "verdict_accuracy": round(len(right) / len(given), 3) if given else None,
            "majority_share_among_them": (
                round(gold.most_common(1)[0][1] / len(given), 3) if given else None
            ),
        }
    return out


def gate_figures(records: list[dict[str, Any]], target: CachedAssistant) -> dict[str, Any]:
    """Where each comparison/temporal yes/no question's verdict stops, recomputed from the
    passages and the candidates in the order the backend gets them: no two named sources
    matched (no_evidence), the dates or claims do not decide (undecided_order,
    undecided_claim), decided but not in the checked answer, or given (right or wrong). A
    dropped verdict says which part of the citation check dropped it: dropped_clash where the
    evidence was kept but the verdict was read as disagreeing with the first kept sentence,
    dropped_evidence where no evidence sentence was kept (the bare verdict has nothing to
    stand beside), dropped_after where the answer came from another path."""
    from assistant.extractive import rank_sentences
    from assistant.timeline import subject_first
    from assistant.verdicts import _ORDER, evidence, side_by_side, verdict

    out: dict[str, Counter[str]] = {}
    top_k = target.settings.retrieval.top_k
    for r in records:
        if r.get("type") not in ("comparison_query", "temporal_query"):
            continue
        if not metrics.is_yes_no_question(r["expected"]):
            continue
        q = r["question"]
        passages = target.retrieve(q, target.settings.retrieval.retrieve_k)[:top_k]
        cands = subject_first(
            q,
            passages,
            rank_sentences(q, passages, target.embedder, focus=q, weights=target.settings.answer),
        )
        found = evidence(q, passages, cands)
        said = verdict(q, found) if found else None
        if not found:
            gate = "no_evidence"
        elif said is None:
            gate = "undecided_order" if _ORDER.search(q) else "undecided_claim"
        elif not metrics.yes_no(_lead(r.get("answer") or "")):
            gate = _dropped_by(target, q, passages, side_by_side(q, passages, cands))
        else:
            gate = "given_right" if r["verdicts"].get("correct") else "given_wrong"
        out.setdefault(r["type"], Counter())[gate] += 1
    return {t: dict(c) for t, c in out.items()}


def _dropped_by(
    target: CachedAssistant, question: str, passages: list[Hit], raw: str | None
) -> str:
    """Which part of the citation check dropped a decided verdict (see gate_figures)."""
    if raw is None or not metrics.yes_no(_lead(raw)):
        return "dropped_after"
    result = target.checker.check(raw, passages, question)
    if metrics.yes_no(_lead(result.text)):
        return "dropped_after"  # kept on its own: the pipeline's answer differs
    return "dropped_clash" if result.kept else "dropped_evidence"


def _lead(answer: str) -> str:
    first = answer.split(".")[0] if answer else ""
    return first.split("[")[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--types", help="comma list of question types (default: all)")
    ap.add_argument("--records", type=Path, help="write the per-question records here (JSONL)")
    ap.add_argument(
        "--hits-cache",
        type=Path,
        help="pickle of question -> retrieved hits: read when it exists, written after the run; "
        "a rerun then measures the answer step alone (retrieval changes need a fresh file)",
    )
    args = ap.parse_args()
    chunks, emb = load_corpus_index()
    index = HybridIndex(chunks, emb, bundled_embedder())
    settings = Settings(home=Path("/tmp/multihop-answers-home"), progress=True)
    hits = None
    if args.hits_cache and args.hits_cache.exists():
        with args.hits_cache.open("rb") as fh:
            hits = pickle.load(fh)
    target = CachedAssistant(index, settings, hits)
    types = args.types.split(",") if args.types else None
    result = evaluate(
        target, DATA_DIR / "queries-dev.json", sample=args.sample, seed=args.seed, types=types
    )
    s = result.summary
    keys = ("n", "answer_accuracy", "refusal_accuracy", "false_refusal_rate", "citation_precision")
    print(json.dumps({k: s.get(k) for k in keys}))
    for t, sub in s.get("by_type", {}).items():
        print(t, json.dumps({k: sub.get(k) for k in keys}))
    print(json.dumps(verdict_figures(result.records), indent=1))
    print("verdict gates:", json.dumps(gate_figures(result.records, target)))
    print("refused by type:", dict(Counter(r.get("type") for r in result.records if r["refused"])))
    if args.hits_cache:
        with args.hits_cache.open("wb") as fh:
            pickle.dump(target.hits, fh)
    if args.records:
        with args.records.open("w") as fh:
            for r in result.records:
                fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
