"""Calibrate the refusal gate (assistant/engine.py) on MultiHop-RAG and the seed questions.

Computes the gate's features for a sample of null and answerable MultiHop-RAG dev queries
(needs the corpus indexed in ASSISTANT_HOME) and for seeds/questions.jsonl (indexed in a
temporary home), then grid-searches the thresholds that decline the most unanswerable
questions while refusing at most 10% of answerable MultiHop queries and 5% of seed ones.

    ASSISTANT_HOME=/tmp/mh .venv/bin/assistant ingest ../shared/data/multihop-rag/corpus.json
    ASSISTANT_HOME=/tmp/mh .venv/bin/python benchmarks/calibrate_refusal.py --held-out 400
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant, Settings  # noqa: E402
from assistant.extractive import rank_sentences  # noqa: E402
from assistant.refusal import refusal_features  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"


def features(a: Assistant, question: str, null: bool) -> dict[str, float]:
    passages = a.retrieve(question, a.settings.retrieval.top_k)
    cands = rank_sentences(question, passages, a.embedder)
    unindexed = a._current_index().analyse(question).unindexed_sources
    return {**refusal_features(question, passages, cands, unindexed), "null": float(null)}


def rates(rows: list[dict[str, float]], rule: tuple[float, ...]) -> tuple[float, float]:
    d0, l0, c0, d1, n1 = rule

    def refuse(r: dict[str, float]) -> bool:
        return bool(
            r["foreign_sources"] >= 1
            or (r["dense"] < d0 and r["lexical"] < l0)
            or r["coverage"] < c0
            or (r["missing_names"] >= n1 and r["dense"] < d1)
        )

    nulls = [r for r in rows if r["null"]]
    answerable = [r for r in rows if not r["null"]]
    return (
        sum(map(refuse, nulls)) / max(1, len(nulls)),
        sum(map(refuse, answerable)) / max(1, len(answerable)),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nulls", type=int, default=128, help="null queries to tune on")
    ap.add_argument("--answerable", type=int, default=400, help="answerable queries to tune on")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument(
        "--max-false",
        type=float,
        default=0.07,
        help="most answerable MultiHop queries a rule may refuse (margin under the 10%% bar)",
    )
    ap.add_argument(
        "--held-out",
        type=int,
        default=0,
        help="also score the chosen rule on N other dev queries of each kind (0: none)",
    )
    args = ap.parse_args()
    rng = random.Random(args.seed)
    mh = Assistant(Settings(llm="extractive", progress=False))
    queries = json.loads((DATA / "queries-dev.json").read_text())
    null_q = [q for q in queries if q["question_type"] == "null_query"]
    ans_q = [q for q in queries if q["question_type"] != "null_query"]
    rng.shuffle(null_q)
    rng.shuffle(ans_q)
    tune = null_q[: args.nulls] + ans_q[: args.answerable]
    held = null_q[args.nulls :][: args.held_out] + ans_q[args.answerable :][: args.held_out]
    mh_rows = [features(mh, q["query"], q["question_type"] == "null_query") for q in tune]
    with tempfile.TemporaryDirectory() as tmp:
        seed = Assistant(Settings(home=Path(tmp), llm="extractive", progress=False))
        seed.ingest([str(REPO / "seeds")])
        lines = (REPO / "seeds" / "questions.jsonl").read_text().splitlines()
        qs = [json.loads(x) for x in lines if x.strip()]
        seed_rows = [features(seed, q["question"], bool(q.get("unanswerable"))) for q in qs]
    grid = itertools.product(
        [0.35, 0.4, 0.45, 0.5],
        [0.2, 0.3, 0.4, 0.5],
        [0.2, 0.25, 0.3, 0.35, 0.4],
        [0.4, 0.45, 0.5, 0.55],
        [1, 2],
    )
    results = []
    for rule in grid:
        null_mh, false_mh = rates(mh_rows, rule)
        null_seed, false_seed = rates(seed_rows, rule)
        if false_mh <= args.max_false and false_seed <= 0.05:
            results.append((null_mh + null_seed, null_mh, false_mh, null_seed, false_seed, rule))
    results.sort(key=lambda r: (r[0], -r[2]), reverse=True)  # most declined, then fewest refused
    print("declined_null_mh  refused_answerable_mh  declined_null_seed  refused_answerable_seed  "
          "(MIN_DENSE, MIN_LEXICAL, MIN_COVERAGE, MIN_DENSE_IF_NAMES_MISSING, MIN_MISSING_NAMES)")  # fmt: skip
    for _, a1, b1, a2, b2, rule in results[:10]:
        print(f"{a1:16.3f}  {b1:21.3f}  {a2:18.3f}  {b2:23.3f}  {rule}")
    if held and results:
        rows = [features(mh, q["query"], q["question_type"] == "null_query") for q in held]
        declined, refused = rates(rows, results[0][-1])
        n_null = sum(1 for r in rows if r["null"])
        print(
            f"held out ({n_null} null, {len(rows) - n_null} answerable), best rule: "
            f"{declined:.3f} of null queries declined, {refused:.3f} of answerable refused"
        )


if __name__ == "__main__":
    main()
