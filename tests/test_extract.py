"""Article extraction from web pages (index/extract.py): main text without the site's chrome,
and title, author, site name and publication date from the page's metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.extract import extract_page, heuristic_extract, published_time
from index.loaders import read_file

STORY = [
    "The regional council approved a 42 million euro flood barrier on Tuesday after a year "
    "of public hearings in the port town of Veldmark.",
    "Engineers said the barrier will protect 12,000 homes from storm surges and should be "
    "finished by the spring of 2026, two years ahead of the original plan.",
    "Opponents argued that the money would be better spent on relocating the most exposed "
    "neighbourhoods further inland, but the vote passed by 31 to 9.",
]
CHROME = [
    "We use cookies to improve your experience",
    "Sign up for our newsletter",
    "Great article, thanks",
    "Another headline about football",
    "All rights reserved",
]


def page(head: str, date_markup: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        f"<html><head><title>Council backs flood barrier | Veldmark Post</title>{head}</head>"
        "<body><header><nav><ul><li><a href='/'>Home</a></li><li><a href='/s'>Sport</a></li>"
        "</ul></nav></header><div class='cookie'><p>We use cookies to improve your experience"
        ". Accept all to continue.</p></div><main><article><h1>Council backs flood barrier</h1>"
        f"{date_markup}{paragraphs}</article><aside><h3>Related</h3><ul><li><a href='/f'>"
        "Another headline about football</a></li></ul></aside><div class='newsletter'><p>Sign "
        "up for our newsletter</p></div><section class='comments'><div class='comment'><p>"
        "Great article, thanks</p></div></section></main><footer><p>© 2023 Veldmark Post. All "
        "rights reserved.</p></footer></body></html>"
    )


META = (
    '<meta property="og:site_name" content="Veldmark Post">'
    '<meta name="author" content="Mira Jansen">'
)


@pytest.mark.parametrize(
    ("head", "markup", "date"),
    [
        (META + '<meta property="article:published_time" content="2023-11-07T09:15:00Z">', "",
         "2023-11-07T09:15:00Z"),
        (META + '<script type="application/ld+json">' + json.dumps(
            {"@type": "NewsArticle", "datePublished": "2023-10-30T18:00:00+01:00"}) + "</script>",
         "", "2023-10-30T18:00:00+01:00"),
        (META + '<meta property="article:modified_time" content="2024-02-01T00:00:00Z">',
         "<p class='byline'>Published 3 December 2023, updated February 1, 2024</p>",
         "2023-12-03"),
        (META, "<time datetime='2023-09-14T07:00:00Z' pubdate>14/09/2023</time>",
         "2023-09-14T07:00:00Z"),
    ],
)  # fmt: skip
def test_article_text_and_metadata(head: str, markup: str, date: str) -> None:
    out = extract_page(page(head, markup), "https://veldmark.test/news/barrier")
    for paragraph in STORY:
        assert paragraph in out.text
    for junk in CHROME:
        assert junk not in out.text
    assert out.title == "Council backs flood barrier"  # the site suffix is dropped
    assert (out.author, out.site_name) == ("Mira Jansen", "Veldmark Post")
    assert out.published_at == date


def test_heuristic_keeps_chrome_that_trafilatura_drops() -> None:
    html = page(META)
    assert "Great article, thanks" in heuristic_extract(html).text
    assert "Great article, thanks" not in extract_page(html).text


def test_tiny_page_falls_back_to_the_heuristic() -> None:
    html = (
        "<html><body><nav>Home | About</nav><p>Short note: the bridge is closed.</p></body></html>"
    )
    out = extract_page(html)
    assert out.text == "Short note: the bridge is closed." and out.extractor == "heuristic"


def test_no_date_markup_means_no_date_from_markup() -> None:
    assert published_time("<html><body><p>Nothing dated here.</p></body></html>") is None
    assert published_time('<meta name="date" content="yesterday">') is None


def test_html_file_gets_page_metadata(tmp_path: Path) -> None:
    p = tmp_path / "barrier.html"
    p.write_text(
        page(META + '<meta property="article:published_time" content="2023-11-07T09:15:00Z">'),
        encoding="utf-8",
    )
    (art,) = read_file(p).articles
    assert art.title == "Council backs flood barrier" and art.source == "Veldmark Post"
    assert art.published_at == "2023-11-07T09:15:00Z" and art.extra == {"author": "Mira Jansen"}
    assert art.path == str(p.resolve()) and art.url is None
