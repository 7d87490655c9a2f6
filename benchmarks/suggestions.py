"""How good are the follow-up suggestions? For a sample of questions: how many answers get
suggestions, how long finding them takes, and whether each suggestion, asked, is answered
(not refused) from the article it came from.

    .venv/bin/python benchmarks/suggestions.py --home HOME --questions QUESTIONS [--n 25]

HOME is an indexed data home (e.g. the MultiHop-RAG corpus ingested); QUESTIONS a question
set (JSONL/CSV or MultiHop-RAG JSON). Uses the extractive backend.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from assistant import Assistant, Settings
from assistant.questions import load_questions
from assistant.suggestions import suggest


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", required=True, type=Path)
    p.add_argument("--questions", required=True)
    p.add_argument("--n", type=int, default=25, help="questions sampled (seed 13)")
    args = p.parse_args()
    a = Assistant(Settings(home=args.home, llm="extractive", progress=False, auto_seed=False))
    questions = [q for q in load_questions(args.questions) if not q.unanswerable]
    random.Random(13).shuffle(questions)
    answered = with_suggestions = asked = not_refused = same_doc = 0
    counts: list[int] = []
    times: list[float] = []
    for q in questions[: args.n]:
        ans = a.ask(q.question)
        if ans.refused:
            continue
        answered += 1
        t = time.perf_counter()
        suggestions = suggest(a, ans)
        times.append((time.perf_counter() - t) * 1000)
        counts.append(len(suggestions))
        with_suggestions += bool(suggestions)
        cited = {c.doc_id for c in ans.citations}
        for s in suggestions:
            asked += 1
            r = a.ask(s)
            not_refused += not r.refused
            same_doc += bool(cited & {c.doc_id for c in r.citations})
            print(f"{'ok ' if not r.refused else 'REF'} {s} -> {r.answer[:90]!r}")
    report = {
        "questions": min(args.n, len(questions)),
        "answered": answered,
        "answers_with_suggestions": with_suggestions,
        "mean_suggestions": round(statistics.mean(counts), 2) if counts else None,
        "suggest_ms_p50": round(statistics.median(times), 1) if times else None,
        "suggestions_asked": asked,
        "suggestions_answered": not_refused,
        "answered_from_a_cited_article": same_doc,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
