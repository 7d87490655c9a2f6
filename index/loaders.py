"""Turn files, folders, JSON/JSONL article records and URLs into Article records."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import AssistantError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
BODY_KEYS = ("body", "text", "content", "article")


@dataclass
class Article:
    """One news article, ready to chunk. `key` is its url or path: the stable identity."""

    text: str
    title: str
    key: str
    source: str = ""
    url: str | None = None
    path: str | None = None
    published_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join([self.title, self.source, self.published_at or "", self.text])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\ufeff")


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text and title of an HTML page; scripts, styles and navigation are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg", "nav", "footer", "head"]):
        if tag.name == "head":
            continue
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


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return fallback


def _record_to_article(rec: dict[str, Any], origin: str, index: int) -> Article:
    if not isinstance(rec, dict):
        raise AssistantError(
            f"{origin}: record {index} is not an object; each record needs a 'body' or 'text' field."
        )
    body = next((rec[k] for k in BODY_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None)
    if body is None:
        raise AssistantError(
            f"{origin}: record {index} has no text; give each record a 'body' or 'text' field."
        )
    url = rec.get("url") or None
    title = str(rec.get("title") or _title_from_text(body, f"{Path(origin).name}#{index}"))
    key = url or f"{origin}#{rec.get('id', index)}"
    extra = {k: v for k, v in rec.items() if k in ("author", "category") and v}
    return Article(
        text=_clean(body),
        title=title,
        key=str(key),
        source=str(rec.get("source") or ""),
        url=url,
        path=None if url else origin,
        published_at=str(rec["published_at"]) if rec.get("published_at") else None,
        extra=extra,
    )


def read_jsonl(text: str, path: Path | str) -> list[tuple[int, Any]]:
    """(line number, record) for each non-blank line of JSONL text; a bad line is an error
    that names it."""
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as err:
            raise AssistantError(
                f"{path} line {number} is not valid JSON ({err.msg}): fix or delete that line."
            ) from None
    return out


def load_json_records(path: Path) -> list[Article]:
    """Article records from a JSON array/object or JSONL file (the MultiHop-RAG corpus loads as is)."""
    raw = path.read_text(encoding="utf-8")
    origin = str(path.resolve())
    records: list[Any]
    if path.suffix == ".json" and raw.lstrip()[:1] in "[{":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise AssistantError(
                f"{path}: not valid JSON ({err.msg} at line {err.lineno}); fix the file or use JSONL."
            ) from None
        records = data if isinstance(data, list) else data.get("articles", [data])
    else:
        records = [record for _, record in read_jsonl(raw, path)]
    return [_record_to_article(rec, origin, i) for i, rec in enumerate(records)]


def load_file(path: Path) -> list[Article]:
    """The articles in one file."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return load_json_records(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AssistantError(
            f"{path}: not UTF-8 text; convert it to UTF-8 (.txt, .md, .html or .json)."
        ) from None
    if suffix in HTML_SUFFIXES:
        text, title = html_to_text(raw)
    elif suffix in TEXT_SUFFIXES:
        text, title = _clean(raw), ""
    else:
        raise AssistantError(
            f"{path}: unsupported file type '{suffix}'; use one of {', '.join(sorted(SUPPORTED))}."
        )
    if not text.strip():
        raise AssistantError(f"{path}: the file has no text; add the article text or remove it.")
    resolved = str(path.resolve())
    return [
        Article(
            text=text,
            title=title or _title_from_text(text, path.stem),
            key=resolved,
            path=resolved,
        )
    ]


def iter_folder(folder: Path) -> Iterator[Path]:
    """Supported files under a folder, recursively, in a stable order; hidden files skipped."""
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix.lower() in SUPPORTED:
            if any(part.startswith(".") for part in p.relative_to(folder).parts):
                continue
            yield p


def load_url(url: str, timeout: float = 20.0) -> list[Article]:
    """Fetch an http(s) page and extract its article text."""
    import httpx

    try:
        resp = httpx.get(url, timeout=timeout, follow_redirects=True)
        resp.raise_for_status()
    except httpx.HTTPError as err:
        raise AssistantError(
            f"Could not fetch {url} ({type(err).__name__}: {err}); check the URL and the network."
        ) from None
    ctype = resp.headers.get("content-type", "")
    if "json" in ctype:
        tmp = [_record_to_article(r, url, i) for i, r in enumerate(_as_list(resp.json()))]
        return tmp
    if "html" in ctype or resp.text.lstrip().startswith("<"):
        text, title = html_to_text(resp.text)
    else:
        text, title = _clean(resp.text), ""
    if not text.strip():
        raise AssistantError(f"{url}: the page has no article text; try another URL.")
    return [Article(text=text, title=title or _title_from_text(text, url), key=url, url=url)]


def _as_list(data: Any) -> list[Any]:
    return data if isinstance(data, list) else [data]


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))
