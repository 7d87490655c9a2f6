"""Article extraction from news pages: the old tag heuristic against trafilatura and the
product's extractor (index.extract.extract_page), on pages built from MultiHop-RAG articles in
eight site templates (benchmarks/news_pages.py).

For each extractor: token precision and recall of the extracted text against the known article
body (bags of lower-cased word tokens, averaged over pages), how often the title and the
publication date (YYYY-MM-DD) are right, and the time per page.

    .venv/bin/python benchmarks/extraction.py --pages 40
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.news_pages import Page, build_pages  # noqa: E402
from index.extract import Extracted, extract_page, heuristic_extract  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"
TOKEN = re.compile(r"\w+")


def _trafilatura(precision: bool) -> Callable[[str], Extracted]:
    import trafilatura

    def run(html: str) -> Extracted:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=precision
        )
        if doc is None:
            return Extracted("")
        return Extracted(doc.text or "", doc.title or "", published_at=doc.date)

    return run


EXTRACTORS: dict[str, Callable[[str], Extracted]] = {
    "heuristic (before)": heuristic_extract,
    "trafilatura defaults": _trafilatura(False),
    "trafilatura favor_precision": _trafilatura(True),
    "product: extract_page": extract_page,
}


def token_scores(extracted: str, gold: str) -> tuple[float, float]:
    got = Counter(t.lower() for t in TOKEN.findall(extracted))
    want = Counter(t.lower() for t in TOKEN.findall(gold))
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall


def score(pages: list[Page], extractor: Callable[[str], Extracted]) -> dict[str, float]:
    precisions, recalls, dates, titles, times = [], [], [], [], []
    for page in pages:
        t = time.perf_counter()
        out = extractor(page.html)
        times.append((time.perf_counter() - t) * 1000)
        p, r = token_scores(out.text, page.body)
        precisions.append(p)
        recalls.append(r)
        dates.append((out.published_at or "")[:10] == page.date)
        titles.append(out.title.strip() == page.title.strip())
    return {
        "token_precision": round(statistics.mean(precisions), 4),
        "token_recall": round(statistics.mean(recalls), 4),
        "pages_p>=0.95_and_r>=0.95": sum(
            1 for p, r in zip(precisions, recalls, strict=True) if p >= 0.95 and r >= 0.95
        ),
        "date_accuracy": round(sum(dates) / len(dates), 4),
        "title_accuracy": round(sum(titles) / len(titles), 4),
        "ms_per_page_p50": round(statistics.median(times), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=40, help="pages to build (8 templates in turn)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--by-template", action="store_true", help="also score each template")
    args = ap.parse_args()
    records = json.loads((DATA / "corpus.json").read_text(encoding="utf-8"))
    pages = build_pages(records, args.pages, args.seed)
    results = {name: score(pages, fn) for name, fn in EXTRACTORS.items()}
    per_template: dict[str, dict[str, dict[str, float]]] = {}
    if args.by_template:
        for template in dict.fromkeys(p.template for p in pages):
            subset = [p for p in pages if p.template == template]
            per_template[template] = {n: score(subset, fn) for n, fn in EXTRACTORS.items()}
    if args.json:
        print(json.dumps({"pages": len(pages), "results": results, "by_template": per_template}))
        return
    cols = list(next(iter(results.values())))
    print(f"{len(pages)} pages, {len({p.template for p in pages})} templates\n")
    print("| extractor | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in cols) + " |")
    for template, rows in per_template.items():
        print(f"\n{template}")
        for name, row in rows.items():
            print(
                f"  {name:30s} P={row['token_precision']:.3f} R={row['token_recall']:.3f} "
                f"date={row['date_accuracy']:.2f} title={row['title_accuracy']:.2f}"
            )


if __name__ == "__main__":
    main()
