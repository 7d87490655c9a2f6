"""RSS 2.0, RSS 1.0/RDF and Atom feeds (feedparser): each entry's page fetched politely (a
per-host delay, robots.txt, the product's User-Agent) and turned into an Article that keeps the
entry's title, link, date and the feed's site name.

feedparser only ever parses bytes fetched here: given a URL it would fetch it itself, past the
size cap, the time limit and the private-address guard of index.fetch.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from index.errors import AssistantError
from index.extract import extract_page
from index.fetch import FetchError, FetchLimits, Response, fetch

if TYPE_CHECKING:
    from index.loaders import Article

# Entry text shorter than this in the feed itself is a teaser, not the article.
MIN_FEED_TEXT = 400
ROBOTS_TTL_S = 3600.0


@dataclass
class Entry:
    """One feed entry, as the feed describes it."""

    link: str
    title: str
    published_at: str | None
    author: str | None
    feed_html: str  # the entry's own content (content:encoded, atom content) or summary
    fingerprint: str  # changes when the feed changes what it says about the entry
    has_page: bool = True  # False: the entry has no link, only its id; its text is the feed's


@dataclass
class Feed:
    url: str
    title: str
    site: str
    entries: list[Entry] = field(default_factory=list)


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(body: bytes, url: str, headers: dict[str, str] | None = None) -> Feed:
    """The feed in `body`; a one-line AssistantError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(body, response_headers=headers or {})
    version = str(parsed.get("version") or "")
    if not parsed.entries and (parsed.get("bozo") or not version):
        reason = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(reason).split())})" if reason else ""
        raise AssistantError(
            f"{url} is not an RSS or Atom feed{detail}; give the feed's own URL or a page URL."
        )
    meta = parsed.feed
    title = str(meta.get("title") or urlsplit(url).hostname or url).strip()
    feed = Feed(url, title, _site_name(meta, url))
    for e in parsed.entries:
        link = str(e.get("link") or "").strip()
        has_page = True
        web = urlsplit(link).scheme in ("http", "https") or link.startswith("/")
        if link and e.get("guidislink") and not web:
            # An RSS <guid> that is no URL ("story-123") is what feedparser gave as the link:
            # fetching host/story-123 404s, and its full text was cited under that made-up URL.
            link, has_page = f"{url}#{link}", False
        if not link:
            continue  # an entry without a link has no page to index or key to track it by
        content = e.get("content") or []
        html = str(content[0].get("value") if content else e.get("summary") or "")
        title_text = str(e.get("title") or "").strip()
        # dict.get: feedparser's own get maps a missing updated_parsed to published_parsed
        # with a DeprecationWarning.
        updated = _iso(dict.get(e, "updated_parsed")) or ""
        published = _iso(dict.get(e, "published_parsed")) or updated or None
        said = "\x1f".join([str(e.get("id") or link), title_text, published or "", updated, html])
        feed.entries.append(
            Entry(
                link=urljoin(url, link),
                title=title_text,
                published_at=published,
                author=str(e.get("author") or "").strip() or None,
                feed_html=html,
                fingerprint=hashlib.sha256(said.encode("utf-8")).hexdigest()[:32],
                has_page=has_page,
            )
        )
    return feed


_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_FEED_TYPE = re.compile(rb"""type\s*=\s*["']?application/(rss|atom)\+xml""", re.I)
_HREF = re.compile(rb"""href\s*=\s*["']([^"']+)["']""", re.I)


def page_not_feed(body: bytes, url: str) -> AssistantError:
    """The error for a web page given where a feed belongs, naming the feed the page
    advertises (<link rel="alternate" type="application/rss+xml">) when it has one."""
    for tag in _LINK_TAG.findall(body[:65536]):
        href = _HREF.search(tag)
        if _FEED_TYPE.search(tag) and b"alternate" in tag.lower() and href:
            feed = urljoin(url, href.group(1).decode("utf-8", "replace").strip())
            return AssistantError(
                f"{url} is a web page, not a feed; its feed is {feed}: watch that."
            )
    return AssistantError(
        f"{url} is a web page, not an RSS or Atom feed, and names no feed; watch the site's feed "
        "URL, or index the page itself with `assistant ingest URL` (Articles tab on the page)."
    )


def _site_name(meta: Any, url: str) -> str:
    """The outlet's name: the feed title without a section tail ('Daily Planet - World')."""
    title = str(meta.get("title") or "").strip()
    for sep in (" - ", " | ", " – ", ": "):
        head, found, _ = title.partition(sep)
        if found and head.strip():
            return head.strip()
    return title or (urlsplit(url).hostname or "").removeprefix("www.")


class Polite:
    """Per-host spacing of requests and robots.txt, shared by every fetch of one run."""

    def __init__(
        self,
        limits: FetchLimits,
        host_delay_s: float = 1.0,
        respect_robots: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self.host_delay_s = host_delay_s
        self.respect_robots = respect_robots
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}

    def _agent(self) -> str:
        return self.limits.user_agent.split("/")[0]

    def _wait(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is not None:
            gap = delay - (time.monotonic() - last)
            if gap > 0:
                self.sleep(gap)
        self._last[host] = time.monotonic()

    def _rules(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached and time.monotonic() - cached[0] < ROBOTS_TTL_S:
            return cached[1]
        rules: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
        assert rules is not None
        self._wait(parts.netloc, self.host_delay_s)
        try:
            resp = fetch(origin + "/robots.txt", self.limits)
            rules.parse(resp.body.decode("utf-8", "replace").splitlines())
        except FetchError as err:
            if err.status in (401, 403):
                # The convention for an access-controlled robots.txt: nothing may be fetched.
                rules.parse(["User-agent: *", "Disallow: /"])
            else:
                rules = None  # none (404) or unreachable: no rules to respect
        self._robots[origin] = (time.monotonic(), rules)
        return rules

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """fetch() after robots.txt allows it and the host's delay has passed."""
        delay = self.host_delay_s
        if self.respect_robots:
            rules = self._rules(url)
            if rules is not None:
                if not rules.can_fetch(self._agent(), url):
                    raise FetchError(
                        f"{url}: robots.txt of {urlsplit(url).netloc} disallows it; this page "
                        "cannot be indexed."
                    )
                crawl_delay = rules.crawl_delay(self._agent())
                if crawl_delay:
                    delay = max(delay, float(crawl_delay))
        self._wait(urlsplit(url).netloc, delay)
        return fetch(url, self.limits, headers)


def entry_article(entry: Entry, feed: Feed, polite: Polite) -> Article:
    """The Article for an entry: its page's text, or the feed's own full text when the page
    cannot be had; raises a one-line AssistantError when neither gives an article."""
    from index.loaders import Article, articles_from_response

    text, page_title, page_site, page_date, author = "", "", "", None, entry.author
    page_error: AssistantError | None = None
    try:
        if not entry.has_page:
            raise AssistantError(f"{entry.link}: the entry has no link and too little text.")
        resp = polite.get(entry.link)
        got = articles_from_response(resp, polite.limits, allow_feed=False)
        if got:
            page = got[0]
            text, page_title, page_date = page.text, page.title, page.published_at
            parts = urlsplit(entry.link)
            hosts = {
                parts.netloc,
                parts.hostname or "",
                (parts.hostname or "").removeprefix("www."),
            }
            page_site = page.source if page.source not in hosts else ""  # a declared name
            author = author or page.extra.get("author")
    except AssistantError as err:
        page_error = err
    if not text and len(entry.feed_html) >= MIN_FEED_TEXT:
        text = extract_page(f"<html><body>{entry.feed_html}</body></html>").text
    if not text.strip():
        raise page_error or AssistantError(f"{entry.link}: the page has no article text.")
    return Article(
        text=text,
        title=entry.title or page_title or entry.link,
        key=entry.link,
        source=page_site or feed.site,
        url=entry.link if entry.has_page else None,
        published_at=entry.published_at or page_date,
        extra={"author": author, "feed": feed.url} if author else {"feed": feed.url},
    )


def articles_from_feed(resp: Response, limits: FetchLimits) -> list[Article]:
    """Every entry of a fetched feed as an Article (`assistant ingest FEED_URL`, no state:
    `assistant watch` keeps state and fetches only new and changed entries). Entries whose
    page fails are skipped; if all fail, the first failure is raised."""
    feed = parse_feed(resp.body, resp.url, resp.headers)
    polite = Polite(limits)
    out, errors = [], []
    for entry in feed.entries:
        try:
            out.append(entry_article(entry, feed, polite))
        except AssistantError as err:
            errors.append(str(err))
    if not out:
        raise AssistantError(errors[0] if errors else f"{resp.url}: the feed has no entries.")
    return out
