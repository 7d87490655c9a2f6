"""Turn files, folders, JSON/JSONL article records and URLs into Article records.

`read_file` never raises for a bad file: it returns a LoadResult whose `problems` are one-line
messages (naming the file, and the line or record) and whose `complete` flag tells the ingest
whether the file was read whole, so that an article missing from it was really deleted.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from index.decode import decode_bytes
from index.errors import AssistantError
from index.extract import extract_page, html_to_text, record_date
from index.fetch import FetchLimits, Response, fetch

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | PDF_SUFFIXES
BODY_KEYS = ("body", "text", "content", "article")
__all__ = ["Article", "LoadResult", "html_to_text", "load_file", "load_url", "read_file"]


@dataclass
class Article:
    """One news article, ready to chunk. `key` is its url or path: the stable identity.

    `page_starts` holds, for a PDF, the character offset in `text` where each page begins
    (page 1 first); it is empty for everything else.
    """

    text: str
    title: str
    key: str
    source: str = ""
    url: str | None = None
    path: str | None = None
    published_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    page_starts: list[int] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join([self.title, self.source, self.published_at or "", self.text])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def page_at(self, offset: int) -> int | None:
        """The 1-based page on which character `offset` lies, or None for a paged-less text."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass
class LoadResult:
    """What one file gave.

    `complete` is True only when the file was read and every record in it parsed: then an
    article it held before and not now was deleted from it. An unreadable, binary, empty or
    partly bad file is not complete, and its missing articles must be kept.
    """

    path: str
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # A question set (records with a 'question' and no article text) kept beside the articles,
    # as seeds/ does: skipped, not rejected line by line.
    question_set: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.articles) and not self.problems


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\ufeff")


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return fallback


def _record_to_article(rec: Any, origin: str, where: str, index: int) -> Article:
    """One record; `where` names it in errors ('FILE line 3', 'FILE record 2')."""
    if not isinstance(rec, dict):
        raise AssistantError(
            f"{where} is not an object; each record needs a 'body' or 'text' field."
        )
    body = next((rec[k] for k in BODY_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None)
    if body is None:
        raise AssistantError(f"{where} has no text; give each record a 'body' or 'text' field.")
    url = rec.get("url") or None
    if url is not None and not isinstance(url, str):
        raise AssistantError(f"{where}: 'url' is not a string; fix or drop that field.")
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
        published_at=record_date(rec.get("published_at")),
        extra=extra,
    )


def read_jsonl(text: str, path: Path | str) -> list[tuple[int, Any]]:
    """(line number, record) for each non-blank line of JSONL text; a bad line is an error
    that names it."""
    records, problems = _parse_jsonl(text, str(path))
    if problems:
        raise AssistantError(problems[0])
    return records


def _parse_jsonl(text: str, name: str) -> tuple[list[tuple[int, Any]], list[str]]:
    """The good lines and a one-line problem for each bad one."""
    out: list[tuple[int, Any]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as err:
            problems.append(
                f"{name} line {number} is not valid JSON ({err.msg}): fix or delete that line."
            )
    return out, problems


def _records_from_text(raw: str, name: str, origin: str, jsonl: bool) -> LoadResult:
    """Articles from JSON (array, object, {"articles": [...]}) or JSONL text."""
    result = LoadResult(origin)
    located: list[tuple[str, Any]] = []
    if not jsonl and raw.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            if err.msg != "Extra data":
                fix = (
                    "check that the URL serves article JSON"
                    if is_url(name)
                    else ("fix the file or use JSONL")
                )
                result.problems.append(
                    f"{name}: not valid JSON ({err.msg} at line {err.lineno}); {fix}."
                )
                return result
            jsonl = True  # several objects, one a line: JSONL saved as .json
        else:
            if isinstance(data, dict) and isinstance(data.get("articles"), list):
                data = data["articles"]
            records = data if isinstance(data, list) else [data]
            located = [(f"{name} record {i + 1}", r) for i, r in enumerate(records)]
    elif not jsonl:
        jsonl = True
    if jsonl:
        lines, result.problems = _parse_jsonl(raw, name)
        located = [(f"{name} line {n}", r) for n, r in lines]
    if located and all(_is_question(rec) for _, rec in located):
        result.question_set = True
        return result
    for i, (where, rec) in enumerate(located):
        try:
            result.articles.append(_record_to_article(rec, origin, where, i))
        except AssistantError as err:
            result.problems.append(str(err))
    if not located and not result.problems:
        result.problems.append(f"{name}: no articles in the file; add records or remove it.")
    return result


def _is_question(rec: Any) -> bool:
    return (
        isinstance(rec, dict)
        and isinstance(rec.get("question"), str)
        and not any(isinstance(rec.get(k), str) and rec[k].strip() for k in BODY_KEYS)
    )


def load_json_records(path: Path) -> list[Article]:
    """Article records from a JSON array/object or JSONL file (the MultiHop-RAG corpus loads as
    is); raises on the first bad record. `read_file` keeps the good ones instead."""
    result = read_file(path)
    if result.problems:
        raise AssistantError(result.problems[0])
    return result.articles


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise AssistantError(
            f"{path} is a folder, not a file; rename it or ingest it as a folder."
        ) from None
    except PermissionError:
        raise AssistantError(
            f"{path}: permission denied; make the file readable (chmod a+r) or remove it."
        ) from None
    except OSError as err:
        raise AssistantError(
            f"{path}: cannot be read ({err.strerror or type(err).__name__}); check the file."
        ) from None


def read_file(path: Path) -> LoadResult:
    """The articles in one file and what was wrong with it; never raises AssistantError."""
    origin = str(path.resolve())
    try:
        return _read(path, origin)
    except AssistantError as err:
        return LoadResult(origin, problems=[str(err)])


def _read(path: Path, origin: str) -> LoadResult:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise AssistantError(
            f"{path}: unsupported file type '{suffix}'; use one of {', '.join(sorted(SUPPORTED))}."
        )
    data = _read_bytes(path)
    if suffix in PDF_SUFFIXES:
        return LoadResult(origin, [_pdf_article(data, str(path), key=origin, path=origin)])
    raw = decode_bytes(data, str(path))
    if suffix in JSON_SUFFIXES:
        return _records_from_text(raw, str(path), origin, jsonl=suffix != ".json")
    if suffix in HTML_SUFFIXES:
        article = page_article(raw, origin, url=None)
        if article is None:
            raise AssistantError(f"{path}: the page has no article text; check the file.")
        article.path = origin
        return LoadResult(origin, [article])
    text = _clean(raw)
    if not any(ch.isalnum() for ch in text):
        raise AssistantError(f"{path}: the file has no text; add the article text or remove it.")
    return LoadResult(
        origin,
        [Article(text=text, title=_title_from_text(text, path.stem), key=origin, path=origin)],
    )


def page_article(html: str, key: str, url: str | None) -> Article | None:
    """The article of an HTML page (index.extract), or None when it has no text. A page that
    names no site gets its host name as the source."""
    page = extract_page(html, url)
    if not page.text.strip():
        return None
    host = (urlsplit(url).hostname or "") if url else ""
    return Article(
        text=page.text,
        title=page.title or _title_from_text(page.text, Path(key).stem if not url else key),
        key=key,
        source=page.site_name or host.removeprefix("www."),
        url=url,
        published_at=page.published_at,
        extra={"author": page.author} if page.author else {},
    )


def _pdf_article(data: bytes, name: str, key: str, path: str | None = None) -> Article:
    from index.pdf import pdf_pages

    pages = pdf_pages(data, name)
    starts, parts, pos = [], [], 0
    for page in pages.texts:
        starts.append(pos)
        parts.append(page)
        pos += len(page) + 2
    text = "\n\n".join(parts)
    return Article(
        text=text,
        title=pages.title or _title_from_text(text, Path(name).stem),
        key=key,
        source="",
        url=None if path else key,
        path=path,
        published_at=pages.published_at,
        extra={"author": pages.author} if pages.author else {},
        page_starts=starts,
    )


def load_file(path: Path) -> list[Article]:
    """The articles in one file; raises a one-line AssistantError when it yields none. Bad
    records next to good ones are dropped silently here: `read_file` names them."""
    result = read_file(path)
    if not result.articles:
        raise AssistantError(result.problems[0] if result.problems else f"{path}: no articles.")
    return result.articles


def iter_folder(folder: Path) -> Iterator[Path]:
    """Supported files under a folder, recursively, in a stable order; hidden files skipped."""
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix.lower() in SUPPORTED:
            if any(part.startswith(".") for part in p.relative_to(folder).parts):
                continue
            yield p


PAGE_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
XML_TYPES = {"text/xml", "application/xml"} | FEED_TYPES
JSON_TYPES = {"application/json", "text/json"}


def load_url(url: str, limits: FetchLimits | None = None) -> list[Article]:
    """Fetch an http(s) URL under `limits` and turn its body into articles: an HTML page (the
    article in it), a feed (each entry's page), article JSON, plain text or a PDF. Raises a
    one-line AssistantError for anything else."""
    limits = limits or FetchLimits()
    return articles_from_response(fetch(url, limits), limits)


def body_kind(resp: Response) -> str:
    """'pdf', 'feed', 'json', 'html', 'text' or '' (not something to index) for a response."""
    ctype, body = resp.content_type, resp.body
    head = body[:2048].lstrip().lower()
    if ctype == "application/pdf" or body.startswith(b"%PDF-"):
        return "pdf"
    if ctype in FEED_TYPES or (
        ctype in XML_TYPES | {"", "text/plain", "application/octet-stream"}
        and re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head)
    ):
        return "feed"
    if ctype in JSON_TYPES or ctype.endswith("+json"):
        return "json"
    if ctype in PAGE_TYPES or (
        ctype in ("", "application/octet-stream", "text/plain") and head.startswith(b"<")
    ):
        return "html"
    if ctype in ("text/plain", "text/markdown", ""):
        return "text"
    return ""


def articles_from_response(
    resp: Response, limits: FetchLimits, allow_feed: bool = True
) -> list[Article]:
    """The articles in a fetched body (see load_url); `allow_feed=False` for a feed entry's
    link, which must be a page, not another feed."""
    url, kind = resp.url, body_kind(resp)
    if kind == "pdf":
        return [_pdf_article(resp.body, url, key=url)]
    if not kind:
        raise AssistantError(
            f"{url}: content type '{resp.content_type}' is not a web page, feed, JSON, text or "
            "PDF; give the URL of the article page."
        )
    if kind == "feed":
        if not allow_feed:
            raise AssistantError(f"{url} is a feed, not an article page; check the entry link.")
        from index.feeds import articles_from_feed

        return articles_from_feed(resp, limits)
    text = decode_bytes(resp.body, url, resp.charset)
    if kind == "json":
        result = _records_from_text(text, url, url, jsonl=False)
        if not result.articles:
            raise AssistantError(
                result.problems[0] if result.problems else f"{url}: no articles in the JSON."
            )
        return result.articles
    if kind == "html":
        article = page_article(text, url, url)
        if article is None:
            raise AssistantError(f"{url}: the page has no article text; try another URL.")
        return [article]
    body = _clean(text)
    if not body.strip():
        raise AssistantError(f"{url}: the page has no text; try another URL.")
    return [Article(text=body, title=_title_from_text(body, url), key=url, url=url)]


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))
