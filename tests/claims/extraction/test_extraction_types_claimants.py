"""Claim types and claimants, pinned with invented sentences in several
reporting styles: news digest (running prose), encyclopedic (a title, a
lead, then sections) and timeline (dated headings).

The conflict is invented: the government of Marovia against the Teskan
Front, with the League of Harbours and the state of Calder looking on. The
engine knows none of these names; they come from the registry built here.
"""

from datetime import date

import pytest

from claims.extraction import Registry
from claims.extraction.claimants import Resolver
from tests.claims.extraction.support import registry_of, rows

MAROVIA_TESKA = {
    "name": "Marovian war",
    "slug": "marovia",
    "sides": {"marovia": "Marovia", "teska": "Teskan Front"},
    "actors": [
        {
            "name": "Marovian armed forces",
            "side": "marovia",
            "aliases": ["Marovian armed forces", "Marovian army", "Marovian military"],
        },
        {"name": "Marovian government", "side": "marovia", "aliases": ["Marovia", "Vell", "Marovian government"]},
        {"name": "Marovian navy", "side": "marovia", "aliases": ["Marovian navy"]},
        {"name": "Teskan Front", "side": "teska", "aliases": ["Teskan Front", "TF", "the rebels", "rebel sources"]},
        {"name": "League of Harbours", "side": "third_party", "aliases": ["League of Harbours", "the League"]},
        {"name": "Calder", "side": "third_party", "aliases": ["Calder", "Calder government"]},
        {"name": "Harbour Gazette", "side": "third_party", "aliases": ["Harbour Gazette"]},
    ],
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_of(MAROVIA_TESKA)


# --- 11. claimant resolution ----------------------------------------------------------


def test_a_titled_person_or_a_press_office_speaks_for_its_institution(registry):
    text = (
        "Colonel Dario Venn, the Marovian army's chief of operations, said that rebels shelled Ostrel. "
        "The press office of the Marovian navy said that a patrol boat was sunk. "
        "Marovia's defence press service said that the bridge was destroyed."
    )
    assert rows(text, registry, "claimant", "side", "claim_type") == [
        ("Marovian armed forces", "marovia", "attack"),
        ("Marovian navy", "marovia", "materiel"),
        ("Marovian government", "marovia", "materiel"),
    ]


def test_the_head_of_a_mention_wins_over_an_alias_inside_it(registry):
    text = (
        "The Marovian envoy at the League of Harbours said that rebels shelled Ostrel. "
        "A League of Harbours observer in Vell said that the city was calm."
    )
    assert rows(text, registry, "claimant", "side") == [
        ("Marovian government", "marovia"),
        ("League of Harbours", "third_party"),
    ]


def test_an_unnamed_official_or_officer_speaks_for_the_institution_their_title_names(registry):
    text = (
        "A rebel commander said that Front units had taken Ostrel. "
        "A senior Marovian official said that rebels shelled the port. "
        "A Marovian officer told reporters that the rebels had retreated. "
        "A Calder diplomat said that the talks had failed."
    )
    assert rows(text, registry, "claimant", "side", "claimant_known") == [
        ("Teskan Front", "teska", True),
        ("Marovian government", "marovia", True),
        ("Marovian armed forces", "marovia", True),
        ("Calder", "third_party", True),
    ]


def test_a_named_person_or_an_affiliation_is_not_the_institution(registry):
    text = (
        "A rebel commander, Joss Arlen, said that the town had fallen. "
        "A Marovian-installed official said that the bridge was destroyed."
    )
    assert rows(text, registry, "claimant", "side", "claimant_known", "claim_type") == [
        ("Joss Arlen", "teska", False, "territorial"),
        ("Marovian-installed official", "marovia", False, "materiel"),
    ]


def test_which_he_said_refers_to_the_speaker_of_the_same_sentence(registry):
    # Lena Brask is the latest person before the official: "he" is still the official.
    text = (
        "Lena Brask of the Harbour Gazette said that the port was calm. "
        "A senior Marovian official said rebels shelled Ostrel, which he said killed three civilians."
    )
    assert rows(text, registry, "claimant_mention", "claimant", "claim_type") == [
        ("Lena Brask of the Harbour Gazette", "Harbour Gazette", "other"),
        ("A senior Marovian official", "Marovian government", "attack"),
        ("he", "Marovian government", "casualties"),
    ]


def test_a_lone_role_word_refers_back_to_the_source_with_that_role(registry):
    text = (
        "A Marovian military officer told reporters that rebels had retreated from Ostrel. "
        "Another officer said that the bridge at Ostrel was destroyed. "
        "A rebel spokesman said that the army shelled Ostrel. "
        "The spokesperson added that two fighters were wounded."
    )
    assert rows(text, registry, "claimant", "side") == [
        ("Marovian armed forces", "marovia"),
        ("Marovian armed forces", "marovia"),
        ("Teskan Front", "teska"),
        ("Teskan Front", "teska"),
    ]


def test_claimants_in_an_encyclopedic_article(registry):
    text = (
        "= Siege of Ostrel =\n\n"
        "The siege of Ostrel began on 2 March 2031.\n\n"
        "== Course ==\n\n"
        "On 4 March, a rebel spokesman said that Front units had surrounded Ostrel. "
        "A senior Marovian official denied that the town was surrounded, which he said was rebel propaganda. "
        "A Calder diplomat said that the talks in Vell had failed."
    )
    assert rows(text, registry, "claimant", "side", "stance", "event_date") == [
        ("Teskan Front", "teska", "assert", date(2031, 3, 4)),
        ("Marovian government", "marovia", "deny", date(2031, 3, 4)),
        ("Marovian government", "marovia", "assert", date(2031, 3, 4)),
        ("Calder", "third_party", "assert", date(2031, 3, 4)),
    ]


# --- 12. claim type vocabulary and precedence ------------------------------------------------


def test_incidents_are_attacks_and_units_and_manpower_are_casualties(registry):
    text = (
        "The Marovian army said the ninth incident at the airfield was recorded overnight. "
        "The rebels said they had destroyed a Marovian battalion near Ostrel. "
        "The Marovian army said it had eliminated enemy manpower and two tanks. "
        "The League said that 14 servicemen were wounded."
    )
    assert rows(text, registry, "claim_type") == [("attack",), ("casualties",), ("casualties",), ("casualties",)]


def test_warnings_and_threats_are_diplomatic_unless_they_report_what_happened(registry):
    text = (
        "The rebels warned that they would strike the capital if the shelling continued. "
        "The Marovian government warned of retaliation. "
        "The League warned that rebels had shelled the port."
    )
    assert rows(text, registry, "quote", "claim_type") == [
        ("they would strike the capital if the shelling continued", "diplomatic"),
        ("retaliation", "diplomatic"),
        ("rebels had shelled the port", "attack"),
    ]


def test_a_halt_is_a_ceasefire_whatever_it_halts(registry):
    text = (
        "The Marovian army announced a unilateral halt. "
        "The rebels announced a temporary halt to attacks on Ostrel. "
        "The League said that the suspension of shelling was observed."
    )
    assert rows(text, registry, "claim_type") == [("ceasefire",), ("ceasefire",), ("ceasefire",)]


def test_clashes_and_fights_for_a_place_are_attacks_not_ground_held(registry):
    text = (
        "The League said clashes took place near Ostrel. "
        "The rebels said that fighting for control of the bridge continued. "
        "The rebels said Marovian forces were unable to control the situation in Ostrel. "
        "The rebels said they controlled most of Ostrel."
    )
    assert rows(text, registry, "claim_type") == [("attack",), ("attack",), ("other",), ("territorial",)]


def test_the_battle_a_text_is_about_is_no_attack_report(registry):
    text = (
        "The rebels said the battle for Ostrel was far from over. "
        "The Marovian army said a battle broke out near Ostrel. "
        "The League said the involvement of Calder had changed the course of three years of fighting. "
        "The League said heavy fighting continued in Ostrel. "
        "The rebels said the battle for Ostrel raged overnight."
    )
    assert rows(text, registry, "claim_type") == [("other",), ("attack",), ("diplomatic",), ("attack",), ("attack",)]


def test_missiles_entering_a_ship_are_an_attack_and_troops_entering_a_town_take_it(registry):
    text = (
        "The Marovian navy said two missiles entered the hull of the Vela. "
        "The Marovian army said its troops entered Ostrel. "
        "The League said a missile hitting the Vela caused a fire."
    )
    assert rows(text, registry, "claim_type") == [("attack",), ("territorial",), ("attack",)]


def test_help_given_by_a_third_party_is_diplomatic(registry):
    text = (
        "Calder said it had given intelligence to the Marovian army. "
        "The rebels said that Calder supplied weapons to Marovia. "
        "A Calder diplomat said the sinking was grounds for war. "
        "The rebels said that Calder gave Marovia military support. "
        "The League said that 300 support units arrived in Ostrel."
    )
    assert rows(text, registry, "claim_type") == [
        ("diplomatic",),
        ("diplomatic",),
        ("diplomatic",),
        ("diplomatic",),
        ("other",),
    ]


def test_footage_is_territorial_only_when_it_shows_forces_or_places(registry):
    text = (
        "The rebels released footage showing the Vela burning in the harbour. "
        "The Marovian army released footage showing its troops in Ostrel. "
        "The rebels released footage showing Ostrel and Kalm."
    )
    assert rows(text, registry, "quote", "claim_type") == [
        ("the Vela burning in the harbour", "other"),
        ("its troops in Ostrel", "territorial"),
        ("Ostrel and Kalm", "territorial"),
    ]


def test_claim_types_in_a_timeline(registry):
    text = (
        "== March 2031 ==\n"
        "=== 6 March ===\n"
        "The Marovian army announced a halt to operations near Ostrel. "
        "The rebels warned of a massacre if the army entered Ostrel.\n"
        "=== 7 March ===\n"
        "A rebel commander said that the battle for Ostrel was the turning point of the war. "
        "The League said that clashes took place near Kalm.\n"
    )
    assert rows(text, registry, "claimant", "claim_type", "event_date") == [
        ("Marovian armed forces", "ceasefire", date(2031, 3, 6)),
        ("Teskan Front", "diplomatic", date(2031, 3, 6)),
        ("Teskan Front", "other", date(2031, 3, 7)),
        ("League of Harbours", "attack", date(2031, 3, 7)),
    ]


def test_common_words_of_war_reporting(registry):
    text = (
        "The League said that gunmen opened fire on the market in Ostrel. "
        "The rebels said that thousands of civilians had fled Ostrel. "
        "The Marovian army said that rebel units fled Ostrel. "
        "The League said that rebels overran two posts near Kalm. "
        "The rebels said Marovian troops stormed the village."
    )
    assert rows(text, registry, "claim_type") == [
        ("attack",),
        ("casualties",),
        ("territorial",),
        ("territorial",),
        ("attack",),
    ]


def test_a_mention_that_lost_its_first_words_is_the_one_actor_whose_alias_ends_so():
    registry = Registry.from_records(
        [
            {"name": "Calder defence ministry", "side": "third_party", "aliases": ["a senior Calder defence official"]},
            {"name": "Marovian government", "side": "marovia", "aliases": ["a senior Marovian official"]},
            {"name": "Marovian army", "side": "marovia", "aliases": ["Marovian army press office"]},
            {"name": "Teskan Front", "side": "teska", "aliases": ["Teskan Front press office"]},
        ]
    )
    resolved = [
        (c.name, c.known)
        for mention in ("defence official", "press office")
        for c in Resolver(registry).resolve(mention)
    ]
    # "press office" ends two actors' aliases: it names neither.
    assert resolved == [("Calder defence ministry", True), ("Press office", False)]
