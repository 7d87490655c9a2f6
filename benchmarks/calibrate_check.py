"""Calibrate the citation check's thresholds on MultiHop-RAG evidence.

How: every gold evidence `fact` of the dev queries is a sentence copied from an article.
- Positives: the fact (and a compressed version with a third of its words removed, as a
  model's paraphrase would) against the chunk of its own article that contains it.
- Negatives: the fact against the chunk of another article that shares most words with it
  (a hard negative: same topic, different article); and the fact with one number or one
  name swapped for another from the corpus, against its own chunk.
For a grid of (LEXICAL_MIN, LEXICAL_WITH_DENSE, DENSE_MIN) it prints the share of positives
kept and of negatives wrongly accepted. The check should wrongly accept almost nothing, since
a wrong citation is worse than a dropped sentence that falls back to the extractive answer.

    .venv/bin/python benchmarks/calibrate_check.py --sample 300
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import citations  # noqa: E402
from assistant.citations import CitationChecker  # noqa: E402
from assistant.text import content_words, names  # noqa: E402
from index.chunking import chunk_article  # noqa: E402
from index.embeddings import bundled_embedder  # noqa: E402
from index.loaders import load_json_records  # noqa: E402
from index.text import squash  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    arts = {a.url: a for a in load_json_records(args.data / "corpus.json")}
    queries = json.loads((args.data / "queries-dev.json").read_text())
    facts = [(e["fact"], e["url"]) for q in queries for e in q["evidence_list"] if e["url"] in arts]
    rng.shuffle(facts)
    facts = facts[: args.sample]
    chunks = {url: chunk_article(arts[url]) for url in {u for _, u in facts}}
    all_chunks = [c for cs in chunks.values() for c in cs]
    all_names = sorted({n for c in all_chunks[:2000] for n in names(c.text)})
    pos: list[tuple[str, str]] = []
    neg: list[tuple[str, str]] = []
    for fact, url in facts:
        own = next((c for c in chunks[url] if squash(fact) in squash(c.text)), None)
        if own is None:
            continue
        pos.append((fact, own.text))
        words = fact.split()
        keep = sorted(rng.sample(range(len(words)), k=max(3, 2 * len(words) // 3)))
        pos.append((" ".join(words[i] for i in keep), own.text))
        fw = content_words(fact)
        other = max(
            (c for c in all_chunks if c.doc_id != own.doc_id),
            key=lambda c: len(fw & content_words(c.text)),
        )
        neg.append((fact, other.text))
        nums = re.findall(r"\d+", fact)
        if nums:
            n = rng.choice(nums)
            neg.append((fact.replace(n, str(int(n) + 7), 1), own.text))
        caps = [w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", fact)[1:]]
        if caps:
            w = rng.choice(caps)
            repl = rng.choice([x for x in all_names if x != w.lower()] or ["zzz"]).title()
            neg.append((fact.replace(w, repl), own.text))
    checker = CitationChecker(bundled_embedder())
    print(f"{len(pos)} positive and {len(neg)} negative pairs")
    print("lexical_min  lexical_w_dense  dense_min  kept_pos  accepted_neg")
    for lex in (0.6, 0.7, 0.75, 0.8):
        for lwd in (0.4, 0.5, 0.6):
            for dmin in (0.65, 0.72, 0.8):
                citations.LEXICAL_MIN, citations.LEXICAL_WITH_DENSE = lex, lwd
                citations.DENSE_MIN = dmin
                tp = sum(checker.support(c, p).ok for c, p in pos) / len(pos)
                fp = sum(checker.support(c, p).ok for c, p in neg) / len(neg)
                print(f"{lex:11.2f}  {lwd:15.2f}  {dmin:9.2f}  {tp:8.3f}  {fp:12.3f}")


if __name__ == "__main__":
    main()
