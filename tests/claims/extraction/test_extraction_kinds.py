"""The kinds of reporting that an engine tuned on one war got wrong, pinned
with invented sentences in several styles: news digest (running prose, dates
in the text), encyclopedic (a lead, then sections) and timeline (dated
headings).

The conflict is invented: Ruritania against the Bordurian Liberation Army,
watched by a mission of the Concord of Nations.
"""

from datetime import date

import pytest

from claims.extraction import Registry, extract

RURITANIA_BORDURIA = {
    "name": "Ruritanian war",
    "slug": "ruritania",
    "sides": {"ruritania": "Ruritania", "borduria": "Bordurian Liberation Army"},
    "actors": [
        {
            "name": "Ruritanian army",
            "side": "ruritania",
            "aliases": ["Ruritanian army", "Ruritanian armed forces", "Ruritanian military", "the army"],
        },
        {"name": "Ruritanian government", "side": "ruritania", "aliases": ["Ruritania", "Strelsau"]},
        {"name": "Ruritanian navy", "side": "ruritania", "aliases": ["Ruritanian navy"]},
        {
            "name": "Bordurian Liberation Army",
            "side": "borduria",
            "aliases": ["Bordurian Liberation Army", "BLA", "the rebels", "rebel sources"],
        },
        {"name": "Concord of Nations", "side": "third_party", "aliases": ["Concord of Nations", "the Concord"]},
        {"name": "Weekly Courier", "side": "third_party", "aliases": ["Weekly Courier"]},
    ],
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    from claims.extraction import parse_registry

    return Registry.from_data(parse_registry(RURITANIA_BORDURIA))


def rows(text, registry, *fields, document_date=None):
    return [tuple(getattr(c, f) for f in fields) for c in extract(text, registry, document_date=document_date)]


# --- 1. dates without per-day headings ------------------------------------------


def test_heading_with_a_date_range_does_not_date_its_section(registry):
    text = (
        "== Autumn raids (3 September 2031 - 20 October 2031) ==\n\n"
        "The Concord reported on 12 October that rebels shelled Tarnow. "
        "The Ruritanian army said that two drones were shot down over Tarnow."
    )
    assert rows(text, registry, "claimant", "event_date") == [
        ("Concord of Nations", date(2031, 10, 12)),
        ("Ruritanian army", date(2031, 10, 12)),
    ]


def test_aside_about_an_earlier_day_does_not_move_a_chronological_narrative(registry):
    text = (
        "On 1 May 2031, rebels crossed the river. On 2 May, fighting spread to Tarnow. "
        "On 3 May, the Ruritanian army said that it had retaken the bridge. "
        "On 30 April a bridge near the hill had been mined. "
        "The Concord said that two civilians were killed in Tarnow. "
        "On 4 May, the rebels said that they had shelled the depot. On 5 May, the front was quiet."
    )
    assert rows(text, registry, "claimant", "event_date") == [
        ("Ruritanian army", date(2031, 5, 3)),
        ("Concord of Nations", date(2031, 5, 3)),
        ("Bordurian Liberation Army", date(2031, 5, 4)),
    ]


def test_lead_summary_takes_the_day_it_is_about(registry):
    text = (
        "= Siege of Tarnow =\n\n"
        "The siege of Tarnow began on 2 March 2031 and ended on 20 March 2031. Officials reported 40 deaths.\n\n"
        "== Course ==\n\n"
        "On 2 March, the Ruritanian army said that rebels had surrounded Tarnow. "
        "On the third day of the siege, the Concord said that the hospital was hit. "
        "The next day, the rebels said that they had taken the station. "
        "Rebel sources said that the bridge was destroyed."
    )
    assert rows(text, registry, "quote", "event_date") == [
        ("40 deaths", date(2031, 3, 2)),
        ("rebels had surrounded Tarnow", date(2031, 3, 2)),
        ("the hospital was hit", date(2031, 3, 4)),
        ("they had taken the station", date(2031, 3, 5)),
        ("the bridge was destroyed", date(2031, 3, 4)),
    ]


def test_topical_article_dates_each_paragraph_afresh(registry):
    text = (
        "= Sinking of the Vela =\n\n"
        "The patrol ship Vela sank on 14 April 2032.\n\n"
        "== Accounts ==\n\n"
        "On 16 April, the Ruritanian navy said that the Vela sank in a storm. "
        "The navy also said that the crew had been evacuated.\n\n"
        "The Concord said that a missile hit the ship. On 12 April, the Vela left port. "
        "On 20 April, the rebels said that they had fired two missiles. "
        "On 15 April, the Weekly Courier reported that the wreck was found.\n\n"
        "The rebels said that the sinking was a turning point."
    )
    assert rows(text, registry, "claimant", "event_date") == [
        ("Ruritanian navy", date(2032, 4, 16)),
        ("Ruritanian navy", date(2032, 4, 16)),
        ("Concord of Nations", date(2032, 4, 14)),
        ("Bordurian Liberation Army", date(2032, 4, 20)),
        ("Weekly Courier", date(2032, 4, 15)),
        ("Bordurian Liberation Army", date(2032, 4, 14)),
    ]


def test_timeline_headings_still_date_their_sections(registry):
    text = (
        "=== 3 May 2031 ===\n"
        "The Ruritanian army said that rebels shelled Tarnow.\n"
        "=== 4 May 2031 ===\n"
        "The rebels said that they had downed a helicopter. The Concord said that the front was calm."
    )
    assert rows(text, registry, "claimant", "event_date") == [
        ("Ruritanian army", date(2031, 5, 3)),
        ("Bordurian Liberation Army", date(2031, 5, 4)),
        ("Concord of Nations", date(2031, 5, 4)),
    ]


# --- 7. quote boundaries ----------------------------------------------------------


def test_and_that_splits_two_events_but_keeps_one_story_whole(registry):
    text = (
        "The Ruritanian army stated that its units had surrounded Tarnow, and that clashes continued near Kolno. "
        "The navy said that a fire had broken out on board, and that the ship was badly damaged."
    )
    assert rows(text, registry, "quote", "claim_type") == [
        ("its units had surrounded Tarnow", "territorial"),
        ("clashes continued near Kolno", "attack"),
        ("a fire had broken out on board, and that the ship was badly damaged", "other"),
    ]
