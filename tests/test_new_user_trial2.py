"""Bugs a new user hit in a second trial of the product (inputs nobody had tried), each
pinned by a test that fails without its fix."""

from __future__ import annotations

from index.extract import extract_page

BODY = "".join(
    f"<p>{s}</p>"
    for s in [
        "The harbour authority opened a second container terminal on the east quay after "
        "three years of dredging and a court fight over the estuary's birds.",
        "Officials said the terminal doubles the port's capacity to 1.4 million containers a "
        "year and will employ 600 people once both cranes are running.",
        "Shipping lines had threatened to move their services to a rival port unless the "
        "berths were deepened, a spokesperson for the operators said.",
    ]
)


def test_undated_page_gets_no_date_guessed_from_its_footer_or_body() -> None:
    # htmldate's extensive search turned "Copyright 2023" into 2023-01-01 (and a year in the
    # body into <year>-01-01): a made-up date that "latest" and the date filters then trust.
    html = (
        "<html><head><title>Port opens terminal</title></head><body><nav>Home | Sport</nav>"
        f"<article><h1>Port opens terminal</h1>{BODY}<p>The first quay was built in 2007.</p>"
        "</article><footer>Copyright 2023. All rights reserved.</footer></body></html>"
    )
    assert extract_page(html).published_at is None
    # A date the URL declares still counts.
    assert extract_page(html, "https://news.example/2023/11/17/port").published_at == ("2023-11-17")
