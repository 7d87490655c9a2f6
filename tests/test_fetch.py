"""URL fetching against a local HTTP server: caps, content types, one-line errors and the
server-side request forgery guard (issue 9 item 5)."""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Iterator

import pytest

import index.fetch as fetch_mod
from index.errors import AssistantError
from index.fetch import FetchError, FetchLimits, fetch
from index.loaders import load_url
from tests.httpserver import Reply, Server, serve
from tests.pdfmaker import make_pdf

HTML = (
    b"<html><head><title>Storm hits coast</title></head><body><nav>Home | About</nav>"
    b"<h1>Storm hits coast</h1><p>The storm brought 120 mm of rain to the coast.</p>"
    b"<p>Schools closed on Friday.</p></body></html>"
)
LOCAL = FetchLimits(allow_private=True, timeout_s=3.0, max_bytes=50_000)


def _routes() -> dict[str, Reply]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return {
        "/story": Reply(200, HTML, html),
        "/moved": Reply(301, b"", {"Location": "/story"}),
        "/loop": Reply(302, b"", {"Location": "/loop"}),
        "/big": Reply(200, b"<p>" + b"x" * 60_000 + b"</p>", html),
        "/big-undeclared": Reply(200, b"y" * 60_000, {"Content-Type": "text/plain"}, length=False),
        "/slow": Reply(200, b"z" * 4000, {"Content-Type": "text/plain"}, chunk_delay_s=0.1),
        "/bad.json": Reply(200, b'{"title": "x", "body": ', {"Content-Type": "application/json"}),
        "/good.json": Reply(
            200,
            json.dumps([{"title": "J", "body": "Json body.", "url": "https://j.test/1"}]).encode(),
            {"Content-Type": "application/json"},
        ),
        "/image": Reply(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, {"Content-Type": "image/png"}),
        "/binary-text": Reply(200, bytes(range(256)) * 4, {"Content-Type": "text/plain"}),
        "/octet": Reply(200, bytes(range(256)), {"Content-Type": "application/octet-stream"}),
        "/doc.pdf": Reply(
            200,
            make_pdf([["Budget vote", "The budget passed 51 to 49."], ["Page two."]]),
            {"Content-Type": "application/pdf"},
        ),
        "/latin": Reply(
            200,
            "<html><body><p>Le président a déclaré à Zürich.</p></body></html>".encode("cp1252"),
            {"Content-Type": "text/html; charset=iso-8859-1"},
        ),
        "/to-other-loopback": Reply(302, b"", {"Location": "http://127.0.0.2:9/secret"}),
    }


@pytest.fixture
def server() -> Iterator[Server]:
    with serve(dict(_routes())) as s:
        yield s


def _one_line(err: pytest.ExceptionInfo[AssistantError]) -> str:
    msg = str(err.value)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def test_page_redirect_and_user_agent(server: Server) -> None:
    (art,) = load_url(server.url("/moved"), LOCAL)
    assert art.url == server.url("/story") and art.title == "Storm hits coast"
    assert "120 mm of rain" in art.text
    ua = server.requests[-1][1]["user-agent"]
    assert ua.startswith("news-assistant/")


def test_hostname_kept_in_host_header(server: Server) -> None:
    url = server.url("/story").replace("127.0.0.1", "localhost")
    fetch(url, LOCAL)
    assert server.requests[-1][1]["host"] == url.split("/")[2]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/nope", "HTTP 404 Not Found; check the URL"),
        ("/big", "over 50,000 bytes"),
        ("/big-undeclared", "over 50,000 bytes"),
        ("/bad.json", "not valid JSON"),
        ("/image", "content type 'image/png' is not a web page"),
        ("/octet", "content type 'application/octet-stream' is not"),
        ("/binary-text", "is binary data, not text"),
        ("/loop", "more than 5 redirects"),
    ],
)
def test_bad_urls_one_line(server: Server, path: str, message: str) -> None:
    with pytest.raises(AssistantError) as err:
        load_url(server.url(path), LOCAL)
    assert message in _one_line(err)
    assert server.url("") in str(err.value)


def test_total_time_limit(server: Server) -> None:
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(server.url("/slow"), FetchLimits(allow_private=True, timeout_s=1.0))
    assert time.monotonic() - t0 < 2.0  # 4000 bytes at 16 per 0.1 s would take 25 s
    assert "1s" in _one_line(err)  # type: ignore[arg-type]


def test_json_pdf_and_declared_charset(server: Server) -> None:
    (j,) = load_url(server.url("/good.json"), LOCAL)
    assert (j.title, j.text, j.url) == ("J", "Json body.", "https://j.test/1")
    (pdf,) = load_url(server.url("/doc.pdf"), LOCAL)
    assert "51 to 49" in pdf.text and pdf.page_at(pdf.text.index("Page two")) == 2
    (lat,) = load_url(server.url("/latin"), LOCAL)
    assert "président a déclaré à Zürich" in lat.text


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "10.1.2.3", "192.168.0.10", "169.254.169.254", "0.0.0.0"],
)
def test_internal_addresses_refused_by_default(server: Server, host: str) -> None:
    port = server.base.rsplit(":", 1)[1]
    with pytest.raises(FetchError) as err:
        load_url(f"http://{host}:{port}/story")  # default limits: private addresses refused
    assert "refused" in _one_line(err) and "ASSISTANT_ALLOW_PRIVATE_URLS" in str(err.value)  # type: ignore[arg-type]
    if host in ("127.0.0.1", "localhost", "[::1]"):
        assert not server.requests  # refused before any connection


def test_redirect_hops_are_checked(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    # Treat 127.0.0.1 as public so the first hop is allowed; the redirect to another loopback
    # address must still be refused, before any connection to it.
    def reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(ip) == "127.0.0.1" else "a loopback address"

    monkeypatch.setattr(fetch_mod, "_reason", reason)
    strict = FetchLimits(allow_private=False, timeout_s=3.0)
    assert fetch(server.url("/story"), strict).status == 200
    with pytest.raises(FetchError) as err:
        fetch(server.url("/to-other-loopback"), strict)
    assert "http://127.0.0.2:9/secret: refused" in _one_line(err)  # type: ignore[arg-type]


def test_rebinding_name_connects_to_the_checked_address(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name that resolves to a checked address once and elsewhere later is still reached at
    # the checked address: the connection is pinned to it.
    calls = []
    real = fetch_mod.socket.getaddrinfo

    def flaky(host: str, *args: object, **kw: object) -> object:
        calls.append(host)
        if host == "news.test":
            return real("127.0.0.1" if len(calls) == 1 else "127.0.0.2", *args, **kw)  # type: ignore[arg-type]
        return real(host, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch_mod.socket, "getaddrinfo", flaky)
    port = server.base.rsplit(":", 1)[1]
    resp = fetch(f"http://news.test:{port}/story", LOCAL)
    assert resp.status == 200 and [c for c in calls if not c[0].isdigit()] == ["news.test"]
    assert server.requests[-1][1]["host"] == f"news.test:{port}"


@pytest.mark.parametrize(
    "address", ["::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "100.64.0.1", "fc00::1"]
)
def test_disguised_internal_addresses_refused(address: str) -> None:
    assert fetch_mod._reason(ipaddress.ip_address(address)) is not None
    assert fetch_mod._reason(ipaddress.ip_address("93.184.216.34")) is None


def test_non_http_schemes_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://x.test/a", "http:///nohost"):
        with pytest.raises(FetchError, match="only http"):
            fetch(url, LOCAL)
