"""Realistic news pages built around known article bodies, for the extraction benchmark.

Eight site templates wrap an article with what real news sites put around it: navigation,
cookie banners, bylines, share bars, inline promos, related-article lists (headlines and teasers
of other articles), newsletter boxes, comments and footers. Each template puts the publication
date somewhere else: a meta tag, JSON-LD, a <time> element or visible byline text only, some
next to a later "modified" date as a trap. Pages are made at run time from the corpus; none is
stored in the repository.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

COOKIE = (
    "We use cookies and similar technologies to improve your experience, personalise content "
    "and ads, and analyse our traffic. By clicking Accept all you agree to our use of cookies. "
    "You can change your preferences at any time in Privacy settings."
)
NEWSLETTER = "Sign up for our morning briefing: the day's top stories delivered to your inbox."
COMMENTS = [
    "This is exactly what I have been saying for years, nobody listens.",
    "Great reporting, thanks for covering this in so much detail.",
    "I disagree with the premise here, the numbers tell a different story entirely.",
    "Does anyone know when the next update is expected? Asking for a friend.",
    "Well written piece but the headline is a bit misleading in my opinion.",
]
NAV = ["Home", "World", "Politics", "Business", "Tech", "Science", "Sport", "Culture", "Opinion"]


@dataclass
class Page:
    html: str
    body: str  # the article text the extractor should recover
    title: str
    date: str  # YYYY-MM-DD
    template: str


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _paras(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def _when(published_at: str) -> datetime:
    return datetime.fromisoformat(published_at[:19].replace(" ", "T"))


def _nav() -> str:
    items = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    return f'<header><a class="logo" href="/">The Daily</a><nav><ul>{items}</ul></nav></header>'


def _related(others: list[dict], teasers: bool) -> str:
    cards = []
    for o in others:
        teaser = f"<p>{_e(_paras(o['body'])[0][:160])}…</p>" if teasers else ""
        cards.append(f'<li><a href="{_e(o["url"])}">{_e(o["title"])}</a>{teaser}</li>')
    return f'<aside class="related"><h3>Related stories</h3><ul>{"".join(cards)}</ul></aside>'


def _comments(rng: random.Random) -> str:
    picked = rng.sample(COMMENTS, 3)
    items = "".join(
        f'<div class="comment"><span class="user">reader{rng.randint(10, 999)}</span>'
        f"<p>{_e(c)}</p></div>"
        for c in picked
    )
    return f'<section class="comments" id="comments"><h3>3 comments</h3>{items}</section>'


def _footer() -> str:
    return (
        "<footer><ul><li>About us</li><li>Contact</li><li>Terms of use</li><li>Privacy</li></ul>"
        "<p>© 2023 The Daily Media Group. All rights reserved.</p></footer>"
    )


def _doc(head: str, body: str, title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)} | '
        f"The Daily</title>{head}</head><body>{body}</body></html>"
    )


def _ps(paras: list[str]) -> str:
    return "".join(f"<p>{_e(p)}</p>" for p in paras)


def t_classic(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    head = (
        f'<meta property="og:site_name" content="The Daily">'
        f'<meta property="article:published_time" content="{when.isoformat()}Z">'
        f'<meta name="author" content="{_e(a["author"])}">'
    )
    body = (
        f'{_nav()}<div class="cookie-banner"><p>{COOKIE}</p><button>Accept all</button></div>'
        f'<main><article><h1>{_e(a["title"])}</h1><div class="byline">By {_e(a["author"])}</div>'
        f"{_ps(_paras(a['body']))}</article>{_related(others, teasers=False)}"
        f"{_comments(rng)}</main>{_footer()}"
    )
    return _doc(head, body, a["title"])


def t_jsonld(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "datePublished": when.isoformat() + "+00:00",
        "author": [{"@type": "Person", "name": a["author"]}],
        "publisher": {"@type": "Organization", "name": "Daily Wire Service"},
    }
    paras = _paras(a["body"])
    half = max(1, len(paras) // 2)
    promo = (
        '<div class="inline-promo"><strong>Read more:</strong> '
        f'<a href="{_e(others[0]["url"])}">{_e(others[0]["title"])}</a></div>'
        '<div class="ad">Advertisement</div>'
    )
    body = (
        f'{_nav()}<div class="story-body"><h1>{_e(a["title"])}</h1>'
        f"{_ps(paras[:half])}{promo}{_ps(paras[half:])}</div>"
        f'<div class="newsletter"><p>{NEWSLETTER}</p><input type="email"></div>'
        f"{_related(others[1:], teasers=True)}{_footer()}"
    )
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    return _doc(head, body, a["title"])


def t_visible_date(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    shown = when.strftime("%B %d, %Y").replace(" 0", " ")
    head = '<meta property="article:modified_time" content="2024-01-15T09:00:00Z">'
    body = (
        f'{_nav()}<div class="wrapper"><h1 class="headline">{_e(a["title"])}</h1>'
        f'<p class="meta">Published {shown} · Updated January 15, 2024</p>'
        f'<div class="share">Share on Facebook · Share on X · Email</div>'
        f'<div class="content">{_ps(_paras(a["body"]))}</div></div>'
        f"{_related(others, teasers=False)}{_footer()}"
    )
    return _doc(head, body, a["title"])


def t_blog(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    popular = "".join(f'<li><a href="{_e(o["url"])}">{_e(o["title"])}</a></li>' for o in others)
    body = (
        f'{_nav()}<div id="container"><div class="post">'
        f'<h2 class="post-title">{_e(a["title"])}</h2>'
        f'<time class="published" datetime="{when.isoformat()}" pubdate>'
        f"{when:%d/%m/%Y}</time>"
        f'<div class="entry">{_ps(_paras(a["body"]))}</div>'
        f'<div class="tags">Tags: news, {_e(a["category"])}, latest</div></div>'
        f'<div id="sidebar"><h3>Most popular</h3><ol>{popular}</ol></div>'
        f"{_comments(rng)}</div>{_footer()}"
    )
    return _doc("", body, a["title"])


def t_cards(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    crumbs = f'<div class="breadcrumbs">Home › {_e(a["category"].title())} › Article</div>'
    head = f'<meta name="date" content="{when:%Y-%m-%d}">'
    head += '<meta property="og:updated_time" content="2024-02-01T10:00:00Z">'
    body = (
        f"{_nav()}{crumbs}<article><header><h1>{_e(a['title'])}</h1>"
        f'<span class="author">{_e(a["author"])}</span></header>'
        f'<div class="article-body">{_ps(_paras(a["body"]))}</div></article>'
        f'<section class="more"><h2>You might also like</h2>{_related(others, teasers=True)}'
        f"</section>{_footer()}"
    )
    return _doc(head, body, a["title"])


def t_consent_modal(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    legal = " ".join([COOKIE] * 3)
    head = f'<meta itemprop="datePublished" content="{when:%Y-%m-%dT%H:%M:%S}Z">'
    body = (
        f'<div class="consent-modal" role="dialog"><h2>Your privacy</h2><p>{legal}</p>'
        "<p>Vendors: 742 partners may process your data.</p><button>Agree</button></div>"
        f"{_nav()}<main><h1>{_e(a['title'])}</h1>{_ps(_paras(a['body']))}</main>"
        f"{_related(others, teasers=False)}{_footer()}"
    )
    return _doc(head, body, a["title"])


def t_br_cms(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    text = "<br><br>".join(_e(p) for p in _paras(a["body"]))
    head = f'<meta name="pubdate" content="{when:%Y-%m-%dT%H:%M:%SZ}">'
    body = (
        f'<table class="layout"><tr><td class="nav">{" | ".join(NAV)}</td></tr>'
        f'<tr><td><font size="5"><b>{_e(a["title"])}</b></font><br>'
        f'<div class="storytext">{text}</div></td></tr>'
        f'<tr><td class="links">{_related(others, teasers=False)}</td></tr></table>{_footer()}'
    )
    return _doc(head, body, a["title"])


def t_live(a: dict, others: list[dict], rng: random.Random) -> str:
    when = _when(a["published_at"])
    ld = [
        {"@type": "BreadcrumbList", "itemListElement": []},
        {"@type": "ReportageNewsArticle", "datePublished": when.isoformat() + "Z"},
    ]
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    head += '<meta property="og:site_name" content="The Daily">'
    body = (
        f'{_nav()}<div class="alert-bar">Breaking: markets open lower</div>'
        f'<article class="story"><h1>{_e(a["title"])}</h1>'
        f'<figure><img src="x.jpg"><figcaption>Photo: agency</figcaption></figure>'
        f"{_ps(_paras(a['body']))}"
        f'<p class="correction">Follow us on social media for updates.</p></article>'
        f"{_comments(rng)}{_related(others, teasers=True)}{_footer()}"
    )
    return _doc(head, body, a["title"])


TEMPLATES: dict[str, Callable[[dict, list[dict], random.Random], str]] = {
    "classic+meta": t_classic,
    "json-ld+promos": t_jsonld,
    "visible-date+modified-trap": t_visible_date,
    "blog+time+comments": t_blog,
    "cards+meta-date": t_cards,
    "consent-modal+itemprop": t_consent_modal,
    "table-br-cms": t_br_cms,
    "live+json-ld-graph": t_live,
}


def build_pages(records: list[dict], n: int, seed: int = 7) -> list[Page]:
    """`n` pages, templates taken in turn, articles drawn at random (seeded)."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(records)), n)
    names = list(TEMPLATES)
    pages = []
    for i, idx in enumerate(chosen):
        a = {**records[idx], "author": records[idx].get("author") or "Staff reporter"}
        a["category"] = a.get("category") or "news"
        others = [records[j] for j in rng.sample(range(len(records)), 5) if j != idx][:4]
        name = names[i % len(names)]
        pages.append(
            Page(
                TEMPLATES[name](a, others, rng),
                a["body"],
                a["title"],
                str(_when(a["published_at"]).date()),
                name,
            )
        )
    return pages
