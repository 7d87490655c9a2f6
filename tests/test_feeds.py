"""Feeds against a local HTTP server: RSS 2.0, RSS 1.0/RDF and Atom, entry pages fetched and
extracted, conditional GETs (304), a broken entry link, robots.txt, per-host delay and the
private-address guard for links inside feeds (issue 10 item 1)."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.fetch as fetch_mod
from index.errors import AssistantError
from index.fetch import FetchLimits
from index.loaders import load_url
from index.watch import FeedWatcher
from tests.httpserver import Reply, Route, Server, serve

LOCAL = FetchLimits(allow_private=True, timeout_s=5.0)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def news_page(title: str, sentences: list[str]) -> bytes:
    paras = "".join(f"<p>{s}</p>" for s in sentences)
    return (
        f"<html><head><title>{title} | Harbour Times</title></head><body><nav><ul><li>Home</li>"
        f"<li>World</li></ul></nav><article><h1>{title}</h1>{paras}</article><aside><h3>More"
        "</h3><ul><li><a href='/x'>Unrelated headline about cricket</a></li></ul></aside>"
        "<footer>© Harbour Times</footer></body></html>"
    ).encode()


PAGES = {
    "/a/ferry": ("Ferry gets sails", [
        "The Glimmerholm ferry was refitted with rigid sails that cut its diesel use by 38 "
        "percent, the operator said on Monday.",
        "The refit took eleven weeks and cost 4.2 million euros, paid in part by the port.",
    ]),
    "/a/bridge": ("Bridge reopens", [
        "The Oster bridge reopened to traffic on Tuesday after a nine month repair of its "
        "cracked main cable, the city said.",
        "Cyclists get a separate lane on the north side for the first time.",
    ]),
    "/a/library": ("Floating library", [
        "Zorblat opened a floating library that holds 12,345 books and will dock at seven "
        "villages each month.",
        "The mayor said the barge cost 2.1 million euros to convert.",
    ]),
    "/a/private": ("Members only", ["Nothing to see here, this page is disallowed."]),
}  # fmt: skip


def rss2(base: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{path}</guid>"
        f"<pubDate>{date}</pubDate><description>Short teaser.</description></item>"
        for path, title, date in [
            ("/a/ferry", "Ferry gets sails", "Mon, 06 Nov 2023 08:00:00 GMT"),
            ("/a/bridge", "Bridge reopens", "Tue, 07 Nov 2023 09:30:00 +0100"),
            ("/a/gone", "A page that was deleted", "Tue, 07 Nov 2023 10:00:00 GMT"),
        ]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Times - Local</title><link>{base}/</link><description>d</description>"
        f"{items}</channel></rss>"
    ).encode()


def rdf(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{base}/rdf"><title>Valley Courier</title><link>{base}/</link>'
        "<description>d</description></channel>"
        f'<item rdf:about="{base}/a/library"><title>Floating library opens</title>'
        f"<link>{base}/a/library</link><dc:date>2023-11-08T12:00:00Z</dc:date></item>"
        "</rdf:RDF>"
    ).encode()


def atom(base: str, updated: str = "2023-11-09T07:00:00Z") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Coast Wire</title><id>{base}/atom</id><updated>{updated}</updated>"
        f'<entry><title>Bridge reopens to traffic</title><link href="/a/bridge"/>'
        f"<id>urn:bridge</id><published>2023-11-07T08:30:00Z</published><updated>{updated}"
        "</updated><summary>Short.</summary></entry>"
        '<entry><title>Members only</title><link href="/a/private"/><id>urn:private</id>'
        "<published>2023-11-09T06:00:00Z</published><summary>Short.</summary></entry></feed>"
    ).encode()


def conditional(body: bytes, etag: str, ctype: str) -> Route:
    def reply(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"Content-Type": ctype, "ETag": etag})

    return reply


@pytest.fixture
def site() -> Iterator[Server]:
    routes: dict[str, Route] = {p: Reply(200, news_page(t, s), HTML) for p, (t, s) in PAGES.items()}
    routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /a/private\n")
    with serve(routes) as server:
        base = server.base
        routes["/rss"] = conditional(rss2(base), '"rss-v1"', "application/rss+xml")
        routes["/rdf"] = Reply(200, rdf(base), {"Content-Type": "application/rdf+xml"})
        routes["/atom"] = Reply(200, atom(base), {"Content-Type": "application/atom+xml"})
        routes["/notafeed"] = Reply(200, b"<rss><broken", {"Content-Type": "application/rss+xml"})
        yield server


def watcher(tmp_path: Path, limits: FetchLimits = LOCAL, delay: float = 0.0) -> FeedWatcher:
    return FeedWatcher(tmp_path / "catalog.sqlite3", tmp_path / "feeds", limits, delay)


def test_rss2_entries_fetched_with_feed_metadata(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    (res,) = w.refresh([site.url("/rss")])
    assert (res.new, res.changed, res.unchanged, res.failed) == (2, 0, 0, 1)
    assert res.line() == "Harbour Times - Local: 2 new, 0 changed, 0 unchanged, 1 failed"
    ferry, bridge = res.articles
    assert ferry.title == "Ferry gets sails" and ferry.url == site.url("/a/ferry")
    assert ferry.source == "Harbour Times" and ferry.published_at == "2023-11-06T08:00:00+00:00"
    assert "38 percent" in ferry.text and "cricket" not in ferry.text and "World" not in ferry.text
    assert bridge.published_at == "2023-11-07T08:30:00+00:00"  # +0100 in the feed, UTC here
    (problem,) = res.problems
    assert "/a/gone" in problem and "404" in problem and "\n" not in problem
    assert all(h["user-agent"].startswith("news-assistant/") for _, h in site.requests)


def test_refresh_304_and_broken_link_retried(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    w.refresh([site.url("/rss")])
    assert site.hits("/a/ferry") == 1 and site.hits("/a/gone") == 1
    # One entry failed: the validators were not kept, so the feed is downloaded again and
    # only the failed entry is fetched again.
    (again,) = w.refresh([site.url("/rss")])
    assert (again.new, again.unchanged, again.failed) == (0, 2, 1)
    assert site.hits("/a/ferry") == 1 and site.hits("/a/gone") == 2
    site.routes["/a/gone"] = Reply(200, news_page("Back again", ["The page is back now."]), HTML)
    (fixed,) = w.refresh([site.url("/rss")])
    assert (fixed.new, fixed.unchanged, fixed.failed) == (1, 2, 0)
    (same,) = w.refresh([site.url("/rss")])
    assert same.not_modified and same.line().endswith("not modified (304), nothing fetched")
    assert site.requests[-1][1]["if-none-match"] == '"rss-v1"'
    assert site.hits("/a/ferry") == 1
    archived = same.archive.read_text(encoding="utf-8").splitlines() if same.archive else []
    assert len(archived) == 3  # every entry ever fetched, for the ingest


def test_rdf_and_atom_with_robots(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    rdf_res, atom_res = w.refresh([site.url("/rdf"), site.url("/atom")])
    (lib,) = rdf_res.articles
    assert (lib.title, lib.source) == ("Floating library opens", "Valley Courier")
    assert lib.published_at == "2023-11-08T12:00:00+00:00" and "12,345 books" in lib.text
    assert [a.url for a in atom_res.articles] == [site.url("/a/bridge")]  # relative link joined
    assert atom_res.failed == 1 and "robots.txt" in atom_res.problems[0]
    assert site.hits("/a/private") == 0 and site.hits("/robots.txt") == 1  # cached per host


def test_changed_entry_is_fetched_again(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    w.refresh([site.url("/atom")])
    site.routes["/atom"] = Reply(
        200, atom(site.base, "2023-11-10T07:00:00Z"), {"Content-Type": "application/atom+xml"}
    )
    (res,) = w.refresh([site.url("/atom")])
    assert (res.new, res.changed, res.unchanged) == (0, 1, 0)
    assert site.hits("/a/bridge") == 2
    assert [f["url"] for f in w.feeds()] == [site.url("/atom")]


def test_bad_feeds_give_one_line(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    missing, notfeed, page = w.refresh(
        [site.url("/missing"), site.url("/notafeed"), site.url("/a/ferry")]
    )
    assert "HTTP 404" in missing.line() and "failed" in missing.line()
    assert "not an RSS or Atom feed" in notfeed.line()
    assert "not an RSS or Atom feed" in page.line()
    assert all("\n" not in r.line() for r in (missing, notfeed, page))


def test_per_host_delay(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path, delay=0.3)
    t0 = time.monotonic()
    w.refresh([site.url("/rdf")])  # robots.txt, the feed, one page: three requests to one host
    assert time.monotonic() - t0 >= 0.6


def test_links_inside_feeds_are_checked(
    site: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(ip) == "127.0.0.1" else "a link-local address"

    monkeypatch.setattr(fetch_mod, "_reason", reason)
    site.routes["/evil"] = Reply(
        200,
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title>'
        b"<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link>"
        b"</item></channel></rss>",
        {"Content-Type": "application/rss+xml"},
    )
    strict = FetchLimits(allow_private=False, timeout_s=5.0)
    (res,) = watcher(tmp_path, strict).refresh([site.url("/evil")])
    assert res.failed == 1 and "169.254.169.254" in res.problems[0]
    assert "refused" in res.problems[0]


def test_entry_with_full_text_survives_a_broken_link(site: Server, tmp_path: Path) -> None:
    body = " ".join(["The night ferry to Lindholm was cancelled after a gale warning."] * 8)
    site.routes["/full"] = Reply(
        200,
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/'
        'modules/content/"><channel><title>Isle Post</title><item><title>Ferry cancelled'
        f"</title><link>{site.base}/a/gone</link><content:encoded><![CDATA[<p>{body}</p>]]>"
        "</content:encoded></item></channel></rss>".encode(),
        {"Content-Type": "application/rss+xml"},
    )
    (res,) = watcher(tmp_path).refresh([site.url("/full")])
    (art,) = res.articles
    assert (res.new, res.failed) == (1, 0) and "gale warning" in art.text
    assert (art.title, art.source, art.url) == ("Ferry cancelled", "Isle Post", site.url("/a/gone"))


def test_ingest_feed_url_without_state(site: Server) -> None:
    (lib,) = load_url(site.url("/rdf"), LOCAL)
    assert lib.title == "Floating library opens" and lib.url == site.url("/a/library")
    (bridge,) = load_url(site.url("/atom"), LOCAL)  # the robots-disallowed entry is skipped
    assert bridge.url == site.url("/a/bridge")
    site.routes["/dead"] = Reply(
        200,
        f'<rss version="2.0"><channel><title>Dead</title><item><title>x</title><link>'
        f"{site.base}/a/gone</link></item></channel></rss>".encode(),
        {"Content-Type": "application/rss+xml"},
    )
    with pytest.raises(AssistantError, match="HTTP 404"):
        load_url(site.url("/dead"), LOCAL)


def test_busy_catalog_gives_one_line(site: Server, tmp_path: Path) -> None:
    import sqlite3

    w = FeedWatcher(tmp_path / "catalog.sqlite3", tmp_path / "feeds", LOCAL, 0.0, True, 0.2)
    writer = sqlite3.connect(str(tmp_path / "catalog.sqlite3"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        (busy,) = w.refresh([site.url("/rdf")])
        assert "stayed busy for 0.2 s" in busy.line() and "\n" not in busy.line()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    (res,) = w.refresh([site.url("/rdf")])
    assert res.new == 1


def test_remove_feed(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    w.refresh([site.url("/rdf")])
    assert w.remove(site.url("/rdf")) == [site.url("/a/library")]
    assert w.feeds() == []
    with pytest.raises(AssistantError, match="not a watched feed"):
        w.remove(site.url("/rdf"))


@pytest.mark.slow
def test_watch_indexes_feeds_and_a_refresh_embeds_nothing(
    site: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assistant import Assistant, Settings
    from assistant.cli import main

    home = tmp_path / "home"
    for key, value in {"HOME": str(home), "LLM": "extractive", "PROGRESS": "false",
                       "AUTO_SEED": "false", "ALLOW_PRIVATE_URLS": "true",
                       "FEEDS__HOST_DELAY_S": "0"}.items():  # fmt: skip
        monkeypatch.setenv(f"ASSISTANT_{key}", value)
    assert main(["watch", site.url("/rss"), site.url("/rdf")]) == 0
    out = capsys.readouterr().out
    assert "Harbour Times - Local: 2 new, 0 changed, 0 unchanged, 1 failed" in out
    assert "Valley Courier: 1 new" in out and "3 indexed" in out

    a = Assistant(Settings())
    results, report = a.watch([site.url("/rss"), site.url("/rdf")])
    assert [r.new + r.changed for r in results] == [0, 0]
    assert report.embedded_chunks == 0 and report.count("unchanged") == 3
    ans = a.ask("By how much did the sails cut the Glimmerholm ferry's diesel use?")
    assert "38 percent" in ans.answer
    (cite,) = [c for c in ans.citations if "38 percent" in c.text]
    assert (cite.url, cite.source) == (site.url("/a/ferry"), "Harbour Times")
    assert cite.published_at and cite.published_at.startswith("2023-11-06")


def test_watch_command_refreshes_on_schedule_and_stops_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import assistant.cli as cli
    from index.ingest import IngestReport
    from index.watch import FeedResult

    calls: list[list[str]] = []

    class Fake:
        def watch(self, feeds: list[str]) -> tuple[list[FeedResult], IngestReport]:
            calls.append(feeds)
            if len(calls) == 3:
                raise KeyboardInterrupt  # Ctrl-C in the middle of the third refresh
            return [FeedResult("http://f.test/rss", "F", new=2 - len(calls))], IngestReport()

    sleeps: list[float] = []
    monkeypatch.setattr(cli, "_assistant", lambda: Fake())
    monkeypatch.setattr("time.sleep", sleeps.append)
    assert cli.main(["watch", "http://f.test/rss", "--every", "0.5"]) == 0
    out, err = capsys.readouterr()
    assert "F: 1 new, 0 changed" in out and "F: 0 new, 0 changed" in out
    assert sleeps == [30.0, 30.0] and len(calls) == 3
    assert "stopped" in err and "Traceback" not in err


def test_a_feed_removed_keeping_its_articles_keeps_its_archive(
    site: Server, tmp_path: Path
) -> None:
    """Added again later, the feed's archive still holds the entries that rolled off meanwhile
    (the ingest drops an archive's articles it no longer holds)."""
    w = watcher(tmp_path)
    (first,) = w.refresh([site.url("/rdf")])
    assert first.archive is not None
    w.remove(site.url("/rdf"), keep_archive=True)
    assert first.archive.exists() and w.feeds() == []
    with pytest.raises(AssistantError, match="not a watched feed"):
        w.remove(site.url("/rdf"), keep_archive=True)
    site.routes["/rdf"] = Reply(200, rdf(site.base).replace(b"/a/library", b"/a/bridge"))
    (again,) = w.refresh([site.url("/rdf")])
    assert again.new == 1 and again.archive == first.archive
    assert sorted(w.remove(site.url("/rdf"))) == [site.url("/a/bridge"), site.url("/a/library")]
    assert not first.archive.exists()


def test_scheduled_refresh_never_brings_back_a_removed_feed(site: Server, tmp_path: Path) -> None:
    w = watcher(tmp_path)
    w.refresh([site.url("/rdf")])
    w.remove(site.url("/rdf"))
    assert w.refresh([site.url("/rdf")], watched_only=True) == []
    assert w.feeds() == []


def test_one_refresh_at_a_time_per_home(site: Server, tmp_path: Path) -> None:
    """The page's scheduled refresh and `assistant watch` share the archives: a refresh waits
    for the feed lock another process holds, and says so when it stays held."""
    from index.lock import write_lock

    w = FeedWatcher(tmp_path / "catalog.sqlite3", tmp_path / "feeds", LOCAL, 0.0,
                    lock_timeout_s=0.5)  # fmt: skip
    with write_lock(tmp_path / "feeds", what="feed refresh"):
        (busy,) = w.refresh([site.url("/rdf")])
    assert "is writing to" in busy.error and site.hits("/rdf") == 0
    (res,) = w.refresh([site.url("/rdf")])
    assert res.new == 1


def test_a_page_given_as_a_feed_names_the_feed_it_advertises(site: Server, tmp_path: Path) -> None:
    # feedparser's complaint about a page was "mismatched tag; give the feed's own URL or a page
    # URL", to a user who had given a page URL.
    link = b'<link rel="alternate" type="application/rss+xml" title="All news" href="/rss">'
    site.routes["/home"] = Reply(
        200, news_page("Home", ["Front page."]).replace(b"<head>", b"<head>" + link), HTML
    )
    advertised, bare = watcher(tmp_path).refresh([site.url("/home"), site.url("/a/ferry")])
    assert f"its feed is {site.url('/rss')}" in advertised.line(), advertised.line()
    assert "web page" in bare.line() and "names no feed" in bare.line()
    # A real feed that its server labels text/html is still read as a feed.
    site.routes["/html-labelled"] = Reply(200, rss2(site.base), HTML)
    (labelled,) = watcher(tmp_path).refresh([site.url("/html-labelled")])
    assert not labelled.error and labelled.new >= 1, labelled.line()


def test_an_entry_whose_guid_is_no_url_is_not_fetched_as_a_page(
    site: Server, tmp_path: Path
) -> None:
    # feedparser gives an RSS <guid>story-7</guid> as the entry's link: the watcher fetched
    # host/story-7 (404) and cited the feed's full text under that made-up URL.
    long_text = "The harbour board voted to close the old ferry pier on Friday. " * 8
    items = "".join(
        f"<item><title>Pier {n}</title><guid>story-{n}</guid><description>{text}</description>"
        "</item>"
        for n, text in ((7, long_text), (8, "Too short to index."))
    )
    body = f"<rss version='2.0'><channel><title>Harbour</title>{items}</channel></rss>"
    site.routes["/guids"] = Reply(200, body.encode(), {"Content-Type": "application/rss+xml"})
    (result,) = watcher(tmp_path).refresh([site.url("/guids")])
    (article,) = result.articles
    assert article.url is None and article.title == "Pier 7" and "ferry pier" in article.text
    assert result.failed == 1 and "has no link" in result.problems[0]
    assert site.hits("/story-7") == site.hits("/story-8") == 0
