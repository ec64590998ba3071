"""Titles and datelines read from the top of a document (claims.titles), and set at ingest."""

import datetime

import pytest

from claims import services
from claims.titles import MAX_TITLE, clean_title, read_heading
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    "text, title, published",
    [
        ("= Timeline of the war =\n\nText.", "Timeline of the war", None),
        ("## Daily *briefing* ##\nText.", "Daily briefing", None),
        ("date 2020-10-17 Clashes went on. More followed.", "Clashes went on.", datetime.date(2020, 10, 17)),
        (
            "date 2025-04-12\nKessel Valley digest, 12 April\n\nText.",
            "Kessel Valley digest, 12 April",
            datetime.date(2025, 4, 12),
        ),
        ("2020-10-17: Shelling of Ganja\nText.", "Shelling of Ganja", datetime.date(2020, 10, 17)),
        ("\n\n  Date: 2021-01-02 — Morning report", "Morning report", datetime.date(2021, 1, 2)),
        ("2020-10-17T10:00 Log entry", "2020-10-17T10:00 Log entry", None),
        ("date 2020-02-30 not a day", "date 2020-02-30 not a day", None),
        ("The U.S. envoy said talks resumed. Later more.", "The U.S. envoy said talks resumed.", None),
        ("", "", None),
        ("\n==\n", "", None),
    ],
)
def test_read_heading(text, title, published):
    assert read_heading(text) == (read_heading(text).__class__(title, published))


def test_clean_title_cuts_a_long_sentence_at_a_word():
    title = clean_title("word " * 60)
    assert len(title) <= MAX_TITLE
    assert title == ("word " * 23).strip() + "\u2026"


@pytest.mark.django_db
def test_ingest_sets_title_and_published_date_from_the_text(actors):
    dated = services.document_ingest(raw=(CORPUS / "000_d8d09dd0182ca9c2.txt").read_bytes()).document
    assert dated.published_date == datetime.date(2020, 10, 17)
    assert dated.title == (
        "Nagorno-Karabakh, a breakaway region of Azerbaijan mainly inhabited by ethnic Armenians "
        "and backed by Yerevan, has\u2026"
    )
    wiki = services.document_ingest(raw=(CORPUS / "001_f97f991389789e1e.txt").read_bytes()).document
    assert (wiki.title, wiki.published_date) == ("Timeline of the Second Nagorno-Karabakh War", None)
    given = services.document_ingest(
        raw="= Heading =\nThe ministry said the bridge fell.", title="Given", published_date=datetime.date(2020, 1, 1)
    ).document
    assert (given.title, given.published_date) == ("Given", datetime.date(2020, 1, 1))
