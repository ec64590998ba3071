"""Pinned extractions of wire, press-release and liveblog phrasing.

The reports and the registry are invented for these tests: a war between
Valdoria and the Keshan Front, with a United Nations mission watching.
"""

from datetime import date

import pytest

from claims.extraction import Registry
from tests.claims.extraction.support import rows

VALDORIA_KESH = [
    {
        "name": "Valdorian MoD",
        "side": "valdoria",
        "aliases": ["Valdorian Defence Ministry", "Valdoria's defence ministry", "Tomas Brell", "Brell"],
    },
    {"name": "Valdorian government", "side": "valdoria", "aliases": ["Valdoria", "Ostrava", "the government"]},
    {"name": "President of Valdoria", "side": "valdoria", "aliases": ["Valdorian President", "Ana Merin", "Merin"]},
    {"name": "Keshan Front", "side": "kesh", "aliases": ["Keshan Front", "KF", "the rebels", "Kesh"]},
    {"name": "United Nations", "side": "third_party", "aliases": ["UN", "United Nations"]},
    {"name": "Reuters", "side": "third_party", "aliases": ["Reuters"]},
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_records(VALDORIA_KESH)


def test_extract_he_refers_to_the_named_spokesman_not_an_earlier_person(registry):
    text = (
        "Valdorian President Ana Merin said that her forces had retaken Dorsk. "
        "Valdorian Defence Ministry spokesman Tomas Brell said that three Keshan drones were shot down. "
        "He also said that a Keshan tank had been destroyed near Lenka."
    )
    found = rows(text, registry, "claimant_mention", "claimant", "side")
    assert found[2] == ("He", "Valdorian MoD", "valdoria")


def test_extract_source_keeps_its_modifiers_and_resolves_through_an_alias_inside(registry):
    text = "UN human rights monitors reported that at least 40 civilians had been killed in Dorsk."
    assert rows(text, registry, "claimant_mention", "claimant", "side", "claim_type") == [
        ("UN human rights monitors", "United Nations", "third_party", "casualties")
    ]


def test_extract_unknown_person_is_proposed_under_their_own_name(registry):
    text = (
        "The governor of Lenka Province, Oren Vasko, said that Keshan forces were shelling Dorsk. "
        "A rebel commander, Idris Mahl, said that the town had fallen."
    )
    assert rows(text, registry, "claimant_mention", "claimant", "claimant_known", "side") == [
        ("The governor of Lenka Province, Oren Vasko", "Oren Vasko", False, "third_party"),
        ("A rebel commander, Idris Mahl", "Idris Mahl", False, "kesh"),
    ]


def test_extract_weekday_counts_back_from_the_dateline_without_moving_it(registry):
    text = (
        "date 2031-05-17\n"
        "Valdoria's defence ministry said on Friday that its forces had destroyed two depots. "
        "On Monday, the rebels said they had captured Lenka. "
        "The government said that the front was calm."
    )
    assert date(2031, 5, 17).weekday() == 5  # a Saturday
    assert rows(text, registry, "claimant", "event_date") == [
        ("Valdorian MoD", date(2031, 5, 16)),
        ("Keshan Front", date(2031, 5, 12)),
        ("Valdorian government", date(2031, 5, 17)),
    ]


def test_extract_wire_dateline_dates_weekdays_and_leaves_the_quote(registry):
    text = "DORSK, 15 May 2031 (Reuters) - Keshan fighters shelled Dorsk on Tuesday, the government said."
    assert rows(text, registry, "quote", "claimant", "event_date", "locations") == [
        ("Keshan fighters shelled Dorsk on Tuesday", "Valdorian government", date(2031, 5, 13), ("Dorsk",))
    ]


def test_extract_accused_of_quotes_the_charge(registry):
    text = "Ostrava accused the Keshan Front of staging the killings, an accusation the rebels rejected."
    assert rows(text, registry, "quote", "claimant", "stance", "claim_type", "responds_to") == [
        ("staging the killings", "Valdorian government", "assert", "casualties", None),
        ("the rebels rejected", "Keshan Front", "deny", "casualties", 0),
    ]


def test_extract_attribution_after_its_content(registry):
    text = (
        "Kesh shelled Dorsk overnight, the government said. "
        '"We have retaken the bridge," Brell told Reuters by telephone. '
        "Two drones were shot down over Lenka, said Tomas Brell, the ministry's spokesman. "
        "Residents reached by phone said heavy gunfire could be heard."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant") == [
        ("Kesh shelled Dorsk overnight", "the government", "Valdorian government"),
        ("We have retaken the bridge", "Brell", "Valdorian MoD"),
        ("Two drones were shot down over Lenka", "Tomas Brell, the ministry's spokesman", "Valdorian MoD"),
        ("heavy gunfire could be heard", "Residents", "Residents"),
    ]


def test_extract_parenthetical_and_contrasting_attributions(registry):
    text = (
        "Keshan forces, according to Reuters, shelled the port of Lenka. "
        "Keshan forces shelled Dorsk, according to the UN, in the early hours of the morning. "
        "Kesh shelled Dorsk, the government said, while the rebels said they had downed a helicopter."
    )
    assert rows(text, registry, "quote", "claimant", "claim_type") == [
        ("Keshan forces, according to Reuters, shelled the port of Lenka", "Reuters", "attack"),
        ("Keshan forces shelled Dorsk", "United Nations", "attack"),
        ("Kesh shelled Dorsk", "Valdorian government", "attack"),
        ("they had downed a helicopter", "Keshan Front", "materiel"),
    ]


def test_extract_affiliation_inside_an_unknown_mention_gives_the_side(registry):
    text = "A Valdorian-installed official said that the bridge was destroyed."
    assert rows(text, registry, "claimant", "side") == [("Valdorian-installed official", "valdoria")]


def test_extract_named_group_in_apposition_and_a_titled_person(registry):
    text = (
        "The rebel group, the Keshan Front (KF), said in a statement that it had killed 30 soldiers. "
        "The Special Rapporteur on human rights in Valdoria, Lina Ostrova, said that she had received reports "
        "of executions. Health officials in Port Amar say at least 40 wounded people have been brought in."
    )
    assert rows(text, registry, "claimant", "side", "claim_type") == [
        ("Keshan Front", "kesh", "casualties"),
        ("Lina Ostrova", "third_party", "casualties"),
        ("Health officials in Port Amar", "third_party", "casualties"),
    ]


def test_extract_types_of_lost_men_repelled_assault_and_lost_aircraft(registry):
    text = (
        "Brell said that the army had lost only three men. "
        "The government said its forces had pushed back a rebel assault on the airport. "
        "The rebels claimed they had shot down a helicopter near Lenka. "
        "Ostrava denied that any aircraft had been lost."
    )
    assert rows(text, registry, "claim_type", "stance", "responds_to") == [
        ("casualties", "assert", None),
        ("attack", "assert", None),
        ("materiel", "assert", None),
        ("materiel", "deny", 2),
    ]


def test_extract_relative_clause_denial_answers_the_claim_before(registry):
    text = "The UN said 14 children were killed in an airstrike on Dorsk, which the government denied carrying out."
    assert rows(text, registry, "claimant", "stance", "claim_type", "responds_to") == [
        ("United Nations", "assert", "casualties", None),
        ("Valdorian government", "deny", "casualties", 0),
    ]


def test_extract_since_date_does_not_date_the_claim(registry):
    text = "date 2031-06-14\nThe UN said that 85,000 people had been displaced since 1 June."
    assert rows(text, registry, "event_date") == [(date(2031, 6, 14),)]


def test_extract_liveblog_stamps_and_date_lines(registry):
    text = (
        "Tuesday 3 March\n\n"
        "14:35 GMT - Valdorian forces have pushed back the rebels from Lenka, the government said.\n\n"
        "March 5, 2015\n\n"
        "08:30 GMT - The government said the rebels had fired mortars at the port on Thursday morning."
    )
    assert rows(text, registry, "quote", "event_date", "time") == [
        ("Valdorian forces have pushed back the rebels from Lenka", date(2015, 3, 3), None),
        ("the rebels had fired mortars at the port on Thursday morning", date(2015, 3, 5), None),
    ]
