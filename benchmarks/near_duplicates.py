"""Wire-copy detection (index/dedupe.py) on pairs built from MultiHop-RAG.

Positives: an article and a republished copy of it, or two copies by different outlets, each
copy with its own edits: a dateline, agency and copyright boilerplate, a "related coverage"
list, its last one or two paragraphs trimmed, paragraphs merged, and copy edits (words
replaced, dropped or misspelt at a rate of 0 to 4 percent).
Negatives: the most alike pairs of distinct corpus articles by TF-IDF cosine: the same event,
product round-up or weekly column by one or several outlets, which must stay apart.

The pairs are split in two: `--split tune` (even-ranked negatives, one half of the articles)
is where the thresholds were chosen; `--split test` is the held-out report. Every text of a
split goes into one CopyIndex; a pair counts as detected when querying one side returns the
other, and any other article returned is counted as a spurious match.

    .venv/bin/python benchmarks/near_duplicates.py --split test
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.dedupe import CopyIndex  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"
WORD = re.compile(r"\w+")
EDITS = {
    "said": "says", "says": "said", "percent": "per cent", "color": "colour",
    "center": "centre", "organization": "organisation", "Monday": "on Monday",
    "also": "", "very": "", "that": "", "about": "around", "big": "large",
}  # fmt: skip
OUTLETS = ["Reuters", "AP", "AFP", "Bloomberg", "PA Media", "dpa"]


def _copy_edit(text: str, rate: float, rng: random.Random) -> str:
    out = []
    for token in text.split(" "):
        r = rng.random()
        if r < rate * 0.4 and token in EDITS:
            token = EDITS[token]
        elif r < rate * 0.6 and len(token) > 4:
            i = rng.randrange(1, len(token) - 2)
            token = token[:i] + token[i + 1] + token[i] + token[i + 2 :]  # a typo
        elif r < rate * 0.8:
            token = ""
        elif r < rate:
            token = rng.choice(["reportedly", "now", "still", "already"]) + " " + token
        if token:
            out.append(token)
    return " ".join(out)


def wire_copy(body: str, rng: random.Random, others: list[str]) -> str:
    paras = [p.strip() for p in body.split("\n") if p.strip()]
    if len(paras) > 3:
        paras = paras[: len(paras) - rng.choice([0, 1, 1, 2])]
    if len(paras) > 2 and rng.random() < 0.3:
        i = rng.randrange(len(paras) - 1)
        paras[i : i + 2] = [paras[i] + " " + paras[i + 1]]
    rate = rng.uniform(0.0, 0.04)
    paras = [_copy_edit(p, rate, rng) for p in paras]
    outlet = rng.choice(OUTLETS)
    city = rng.choice(["WASHINGTON", "LONDON", "NEW YORK", "PARIS", "SYDNEY"])
    paras[0] = f"{city} ({outlet}) — {paras[0]}"
    tail = [
        f"Reporting by {rng.choice(['Jane Doe', 'Ali Khan', 'Mei Lin'])}; editing by "
        f"{rng.choice(['Tom Hale', 'Ana Ruiz'])}.",
        f"Copyright 2023 {outlet}. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed.",
    ]
    if rng.random() < 0.6:
        tail.insert(0, "Related coverage: " + "; ".join(others[:2]))
    return "\n".join(paras + tail)


def _tfidf(texts: list[str]) -> list[dict[str, float]]:
    counts = [Counter(w.lower() for w in WORD.findall(t)) for t in texts]
    df = Counter(w for c in counts for w in c)
    n = len(texts)
    out = []
    for c in counts:
        v = {w: (1 + math.log(k)) * math.log(n / df[w]) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def hard_negatives(records: list[dict], k: int) -> list[tuple[int, int]]:
    """The k most alike pairs of distinct articles (TF-IDF cosine)."""
    vecs = _tfidf([r["body"] for r in records])
    scored = []
    for i in range(len(vecs)):
        for j in range(i + 1, len(vecs)):
            a, b = (vecs[i], vecs[j]) if len(vecs[i]) < len(vecs[j]) else (vecs[j], vecs[i])
            scored.append((sum(x * b.get(w, 0.0) for w, x in a.items()), i, j))
    scored.sort(reverse=True)
    return [(i, j) for _, i, j in scored[:k]]


def build(records: list[dict], split: str, n_pos: int, n_neg: int, seed: int) -> list[tuple]:
    """(key_a, text_a, key_b, text_b, is_copy) pairs of one split; a corpus article keeps one
    key across the pairs it is in, so the index holds each text once."""
    rng = random.Random(seed)
    order = list(range(len(records)))
    random.Random(0).shuffle(order)  # the same article halves for every seed
    half = order[: len(order) // 2] if split == "tune" else order[len(order) // 2 :]
    titles = [r["title"] for r in records]
    pairs: list[tuple] = []
    for n, idx in enumerate(rng.sample(half, n_pos)):
        body = records[idx]["body"]
        copy = wire_copy(body, rng, rng.sample(titles, 2))
        other = wire_copy(body, rng, rng.sample(titles, 2)) if n % 3 == 0 else body
        key = f"doc{idx}~copy{n}b" if n % 3 == 0 else f"doc{idx}"
        pairs.append((key, other, f"doc{idx}~copy{n}", copy, True))
    negatives = hard_negatives(records, 2 * n_neg)
    picked = negatives[0::2] if split == "tune" else negatives[1::2]
    pairs += [
        (f"doc{i}", records[i]["body"], f"doc{j}", records[j]["body"], False) for i, j in picked
    ]
    return pairs


def evaluate(pairs: list[tuple], **kw: float) -> dict[str, float]:
    index = CopyIndex(**kw)  # type: ignore[arg-type]
    texts: dict[str, str] = {}
    for key_a, a, key_b, b, _ in pairs:
        texts[key_a], texts[key_b] = a, b
    for key, text in texts.items():
        index.add(key, text)
    tp = fp = fn = tn = spurious = 0
    t = time.perf_counter()
    for key_a, a, key_b, _, label in pairs:
        found = {m.key for m in index.find(a, exclude=key_a)}
        hit = key_b in found
        # Another text found: a copy of the same source article is right, anything else not.
        spurious += len({k for k in found - {key_b} if _story(k) != _story(key_a)})
        tp += hit and label
        fp += hit and not label
        fn += (not hit) and label
        tn += (not hit) and not label
    ms = (time.perf_counter() - t) * 1000 / len(pairs)
    return {
        "pairs": len(pairs),
        "copies": tp + fn,
        "distinct": fp + tn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "false_positives": fp,
        "missed": fn,
        "spurious_matches": spurious,
        "ms_per_query": round(ms, 2),
    }


def _story(key: str) -> str:
    """The corpus article a text comes from: doc12 for doc12, doc12~copy3 and doc12~copy3b."""
    return key.split("~")[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["tune", "test"], default="test")
    ap.add_argument("--copies", type=int, default=150)
    ap.add_argument("--distinct", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--grid", action="store_true", help="scan min_containment (tuning)")
    args = ap.parse_args()
    records = json.loads((DATA / "corpus.json").read_text(encoding="utf-8"))
    pairs = build(records, args.split, args.copies, args.distinct, args.seed)
    if args.grid:
        for c in (0.6, 0.7, 0.8, 0.85, 0.9):
            print(c, evaluate(pairs, min_aligned=c))
        return
    print(json.dumps({"split": args.split, **evaluate(pairs)}, indent=2))


if __name__ == "__main__":
    main()
