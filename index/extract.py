"""The article inside a web page: main text and metadata with trafilatura, and the older tag
heuristic as the fallback when trafilatura finds no article (benchmarks/extraction.py compares
the two on the same pages)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# Fewer characters than this from trafilatura means it missed the article (a page that is one
# short paragraph, or an unusual template): the heuristic then does better.
MIN_TEXT_CHARS = 80


@dataclass
class Extracted:
    """What a page says about its article."""

    text: str
    title: str = ""
    author: str | None = None
    site_name: str | None = None
    published_at: str | None = None
    extractor: str = "trafilatura"


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text and title of an HTML page by a tag heuristic: scripts, styles, navigation
    and footers dropped, then headings, paragraphs and list items in order."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "nav", "footer"]):
        tag.decompose()
    title = ""
    if soup.title and soup.title.string:
        title = soup.title.string.strip()
    h1 = soup.find("h1")
    if not title and h1:
        title = h1.get_text(" ", strip=True)
    body = soup.body or soup
    blocks = []
    for el in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "pre"]):
        if el.find(["p", "li"]):
            continue  # a container; its children are taken one by one
        line = re.sub(r"\s+", " ", el.get_text(" ", strip=True))
        if line:
            blocks.append(line)
    if not blocks:
        blocks = [re.sub(r"[ \t]+", " ", ln).strip() for ln in body.get_text("\n").splitlines()]
        blocks = [b for b in blocks if b]
    return "\n".join(blocks), title


def heuristic_extract(html: str) -> Extracted:
    text, title = html_to_text(html)
    return Extracted(_drop_title_line(text, title), title, extractor="heuristic")


def extract_page(html: str, url: str | None = None) -> Extracted:
    """The article of a page: trafilatura's main text and metadata, the publication date from
    the page's own published-time markup when it has one (it keeps the time of day), and the
    heuristic when trafilatura finds no article."""
    import trafilatura

    # trafilatura and htmldate log each page they cannot date or parse at WARNING.
    for name in ("trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            # Same figures on the benchmark pages, but on short pages the default mode keeps
            # menus that precision mode drops (tests/test_loaders.py).
            favor_precision=True,
            # htmldate's extensive search dates an undated page from a "Copyright 2023" footer
            # or any year in the body (as 2023-01-01); a wrong date misorders "latest" and the
            # date filters, so only dates the page or its URL declare count.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # lxml and htmldate raise many kinds of error on broken pages
        doc = None  # a page lxml cannot repair; the heuristic still reads it
    text = _tidy(str(getattr(doc, "text", "") or "")) if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        # On pages this short trafilatura's own fallback keeps menus; the heuristic drops them.
        fallback = heuristic_extract(html)
        if fallback.text.strip():
            fallback.published_at = published_time(html)
            return fallback
    title = _clean_title(str(getattr(doc, "title", "") or ""), getattr(doc, "sitename", None))
    return Extracted(
        text=_drop_title_line(text, title),
        title=title,
        author=_meta(getattr(doc, "author", None)),
        site_name=_meta(getattr(doc, "sitename", None)),
        published_at=published_time(html) or _meta(getattr(doc, "date", None)),
    )


def _meta(value: Any) -> str | None:
    text = str(value).strip() if value else ""
    return text or None


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def _clean_title(title: str, site: Any) -> str:
    """'Storm hits coast | Daily Planet' -> 'Storm hits coast' when the tail is the site."""
    site_name = str(site or "").strip()
    if site_name:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            head, found, tail = title.rpartition(sep)
            if found and tail.strip().lower() == site_name.lower() and head.strip():
                return head.strip()
    return title.strip()


def _drop_title_line(text: str, title: str) -> str:
    """Pages repeat the headline as the first block; the title is stored on its own."""
    first, _, rest = text.partition("\n")
    if title and rest and first.strip().lower() == title.strip().lower():
        return rest
    return text


_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def published_time(html: str) -> str | None:
    """The publication time a page declares for itself: JSON-LD datePublished, then meta tags
    (article:published_time and the usual names), then a <time> marked as published. Only
    ISO 8601 values count; a page without one is left to trafilatura's date finder."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script", type="application/ld+json"):
        found = _jsonld_date(script.string or "")
        if found:
            return found
    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "")
        value = str(meta.get("content") or "").strip()
        if key and value and _ISO.match(value):
            metas.setdefault(key.lower(), value)
    for key in _PUBLISHED_META:
        if key in metas:
            return metas[key]
    for tag in soup.find_all("time"):
        value = str(tag.get("datetime") or "").strip()
        marked = tag.get("itemprop") == "datePublished" or tag.has_attr("pubdate")
        if marked and _ISO.match(value):
            return value
    # A byline that says "Published November 5, 2023": date finders that read meta tags first
    # take a later article:modified_time over it.
    m = _LABELLED.search(soup.get_text(" ", strip=True)[:20_000])
    return _parse_day(m.group(1)) if m else None


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_LABELLED = re.compile(
    rf"\b(?:First published|Published|Posted)(?: on)?:?\s+"
    rf"({_MONTH} \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTH},? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.I,
)


def _parse_day(text: str) -> str | None:
    cleaned = re.sub(r"[.,]", "", text).replace("Sept ", "Sep ")
    for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _jsonld_date(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and _ISO.match(value.strip()):
                return value.strip()
            stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return None


def record_date(value: Any) -> str | None:
    """An article record's published_at as ISO 8601: kept as written when it already starts
    with YYYY-MM-DD (the stored form of every corpus so far), read from RFC 2822 ("Sun, 05
    Nov 2023 10:00:00 +0100"), epoch seconds or "November 5, 2023"; None when it is no date.
    Filters and "latest" compare the first 10 characters, so "yesterday" or "Sun, 05 Nov"
    kept verbatim passed every date_from and failed every date_to."""
    from email.utils import parsedate_to_datetime

    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # JavaScript's milliseconds
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", text):
        return _parse_day(text.replace("/", "-"))
    if text.isdigit():
        return record_date(int(text))
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return _parse_day(text)
