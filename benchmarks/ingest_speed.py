"""Ingest and ask timings: first ingest, re-ingest (must embed nothing), and answer latency.

Prints figures and ratios against the first ingest of the same run, so the numbers compare
across machines:

    .venv/bin/python benchmarks/ingest_speed.py --articles 100 --questions 20
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant, Settings  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100, help="MultiHop-RAG articles to ingest")
    ap.add_argument("--questions", type=int, default=20, help="seed questions to time")
    ap.add_argument("--llm", default="extractive")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "articles.json"
        records = json.loads((DATA / "corpus.json").read_text())[: args.articles]
        corpus.write_text(json.dumps(records))
        a = Assistant(Settings(home=Path(tmp) / "home", llm=args.llm, progress=False))
        a.embedder  # noqa: B018  (model load is not ingest time)
        t = time.perf_counter()
        first = a.ingest([str(corpus), str(REPO / "seeds")])
        t_first = time.perf_counter() - t
        t = time.perf_counter()
        again = a.ingest([str(corpus), str(REPO / "seeds")])
        t_again = time.perf_counter() - t
        questions = [
            json.loads(line)["question"]
            for line in (REPO / "seeds" / "questions.jsonl").read_text().splitlines()
            if line.strip()
        ][: args.questions]
        a.ask(questions[0])  # warm-up: index load and backend load
        lat = []
        for q in questions:
            t = time.perf_counter()
            a.ask(q)
            lat.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"first ingest : {first.summary()}  ({t_first:.1f}s, "
          f"{first.embedded_chunks / max(t_first, 1e-9):.1f} chunks/s)")  # fmt: skip
    print(f"re-ingest    : {again.summary()}  ({t_again:.2f}s, "
          f"{t_again / t_first:.3f}x the first)")  # fmt: skip
    print(f"ask ({args.llm}, {len(lat)} questions, {len(first.items)} articles indexed): "
          f"p50 {statistics.median(lat):.0f} ms, max {max(lat):.0f} ms")  # fmt: skip
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
