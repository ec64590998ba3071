"""The kinds of reporting that an engine tuned on one war got wrong, pinned
with invented sentences in several styles: news digest (running prose, dates
in the text), encyclopedic (a lead, then sections) and timeline (dated
headings).

The conflict is invented: Ruritania against the Bordurian Liberation Army,
watched by a mission of the Concord of Nations.
"""

from datetime import date

import pytest

from claims.extraction import Registry
from tests.claims.extraction.support import registry_of, rows

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
    return registry_of(RURITANIA_BORDURIA)


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


# --- 2. quotations with full stops inside -------------------------------------------


def test_quotation_that_runs_on_gives_each_sentence_to_the_speaker(registry):
    text = (
        'The adviser told reporters: "We hit the depot at dawn. The bridge at Kolno fell an hour later. '
        'Third time." The Concord said that the front was calm.'
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant") == [
        ("We hit the depot at dawn", "The adviser", "Adviser"),
        ("The bridge at Kolno fell an hour later", None, "Adviser"),
        ("the front was calm", "The Concord", "Concord of Nations"),
    ]


def test_a_quotation_after_a_statement_is_the_speaker_s_up_to_the_reports_it_holds(registry):
    # digest style: the minister's statement, then his words quoted, reporting two others
    text = (
        "On 4 May the Ruritanian army reported that rebels shelled the bridge at Kolno. "
        '"From 6 a.m., our engineers rebuilt two spans of the bridge, and at noon the Concord reported '
        'that the road was open." The rebels denied that the road was open.'
    )
    fields = ("quote", "claimant_mention", "claimant", "stance", "responds_to")
    assert rows(text, registry, *fields, document_date=date(2026, 5, 6)) == [
        ("rebels shelled the bridge at Kolno", "the Ruritanian army", "Ruritanian army", "assert", None),
        ("our engineers rebuilt two spans of the bridge", None, "Ruritanian army", "assert", None),
        ("the road was open", "the Concord", "Concord of Nations", "assert", None),
        ("The rebels denied that the road was open", "The rebels", "Bordurian Liberation Army", "deny", 2),
    ]
    assert {day for (day,) in rows(text, registry, "event_date", document_date=date(2026, 5, 6))} == {date(2026, 5, 4)}


def test_a_quotation_that_names_its_own_speaker_or_starts_a_paragraph_is_not_the_last_speaker_s(registry):
    # encyclopedic style: the quotation's own "said", and a new paragraph with nobody speaking
    text = (
        "The Ruritanian army said that rebels shelled the bridge at Kolno. "
        '"Rebel units fired four shells at the bridge," the Concord said.\n\n'
        '"Nothing was hit at the bridge that night, and the rebels said the bridge was never a target."'
    )
    assert rows(text, registry, "quote", "claimant") == [
        ("rebels shelled the bridge at Kolno", "Ruritanian army"),
        ("Rebel units fired four shells at the bridge", "Concord of Nations"),
        ("the bridge was never a target", "Bordurian Liberation Army"),
    ]


# --- 3. both sides --------------------------------------------------------------------


def test_both_sides_quote_the_whole_predicate(registry):
    text = "The two sides blamed each other for breaches of the truce on Sunday."
    assert rows(text, registry, "quote", "claimant", "claim_type") == [
        ("blamed each other for breaches of the truce on Sunday", "Ruritanian government", "ceasefire"),
        ("blamed each other for breaches of the truce on Sunday", "Bordurian Liberation Army", "ceasefire"),
    ]


def test_both_sides_are_the_two_parties_the_document_is_about():
    three = Registry.from_records(
        [
            {"name": "Ostland", "side": "ostland", "aliases": ["Ostland"]},
            {"name": "Westmark", "side": "westmark", "aliases": ["Westmark"]},
            {"name": "Sudland", "side": "sudland", "aliases": ["Sudland"]},
        ]
    )
    text = (
        "Westmark said that its forces shelled Lenz. Sudland said that it had retaken Lenz. "
        "Both sides accused each other of breaking the truce."
    )
    assert rows(text, three, "claimant") == [("Westmark",), ("Sudland",), ("Westmark",), ("Sudland",)]


# --- 4. attribution after the proposition, or passive -------------------------------


def test_attribution_after_the_proposition_or_passive(registry):
    text = (
        "A patrol boat was sunk on 3 May 2031, according to the coast guard. "
        "The fifth raid was reported by the governor. "
        "The strike hit the depot, as the mayor said."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claim_type", "event_date") == [
        ("A patrol boat was sunk on 3 May 2031", "the coast guard", "materiel", date(2031, 5, 3)),
        ("The fifth raid", "the governor", "attack", date(2031, 5, 3)),
        ("The strike hit the depot", "the mayor", "attack", date(2031, 5, 3)),
    ]


# --- 5. footage, images and reports as the source ---------------------------------------


def test_footage_images_and_reports_name_their_source(registry):
    text = (
        "Footage from a state channel showed troops on the ridge. "
        "Satellite images published by a newspaper showed the airfield empty. "
        "According to a report by Weekly Courier, rebels shelled Tarnow. "
        "Ruritania Today TV reported that the bridge was destroyed. "
        "Footage showed smoke over Kolno."
    )
    assert rows(text, registry, "quote", "claimant", "side") == [
        ("troops on the ridge", "State channel", "third_party"),
        ("the airfield empty", "Newspaper", "third_party"),
        ("rebels shelled Tarnow", "Weekly Courier", "third_party"),
        ("the bridge was destroyed", "Ruritania Today TV", "ruritania"),
    ]


# --- 6. cues beyond say-verbs --------------------------------------------------------


def test_cues_beyond_say_verbs_and_words_between_source_and_cue(registry):
    text = (
        "The army described the raid as retaliation. "
        "The Concord welcomed the truce. "
        "The governor made it clear that the bridge was destroyed. "
        "The governor on 4 May 2031 alleged that rebels shelled Tarnow. "
        "Both capitals announce a truce."
    )
    assert rows(text, registry, "quote", "claimant", "claim_type") == [
        ("the raid as retaliation", "Ruritanian army", "attack"),
        ("the truce", "Concord of Nations", "ceasefire"),
        ("the bridge was destroyed", "Governor", "materiel"),
        ("rebels shelled Tarnow", "Governor", "attack"),
        ("a truce", "Ruritanian government", "ceasefire"),
        ("a truce", "Bordurian Liberation Army", "ceasefire"),
    ]


# --- 7. quote boundaries ------------------------------------------------------------------


def test_narrator_correction_is_not_part_of_the_quote(registry):
    text = (
        "The army said rebels shelled Tarnow, but this was limited to the outskirts. "
        "The rebels claimed they had taken Kolno, although the town was still contested."
    )
    assert rows(text, registry, "quote") == [("rebels shelled Tarnow",), ("they had taken Kolno",)]


# --- 8. hedges are not sources -------------------------------------------------------------


def test_reportedly_names_no_source(registry):
    text = "The army said that rebels shelled Tarnow. Two civilians were reportedly killed in Kolno."
    assert rows(text, registry, "quote", "claimant") == [("rebels shelled Tarnow", "Ruritanian army")]


# --- 9. negated and embedded confirmations ------------------------------------------------


def test_negated_confirmations_confirm_nothing(registry):
    text = (
        "The rebels said that General Vask was killed in Kolno, which was not confirmed by the army. "
        "The Ruritanian army did not confirm the general's death."
    )
    assert rows(text, registry, "quote", "claimant", "stance") == [
        ("General Vask was killed in Kolno", "Bordurian Liberation Army", "assert")
    ]


# --- 10. denials without a denial verb, and links -----------------------------------------


def test_flat_negation_denies_the_claim_before_and_a_later_report_asserts(registry):
    text = (
        "The Ruritanian navy said it had intercepted a rebel boat off Kolno. "
        "The rebels said none of their boats were near Kolno. "
        "The Concord said that the boat was seen in the harbour."
    )
    assert rows(text, registry, "claimant", "stance", "responds_to") == [
        ("Ruritanian navy", "assert", None),
        ("Bordurian Liberation Army", "deny", 0),
        ("Concord of Nations", "assert", None),
    ]


# --- 11. claimant resolution -----------------------------------------------------------------


def test_the_head_of_a_mention_names_the_claimant(registry):
    text = (
        "Colonel Ivan Petrov, the army's operations chief, said that rebels shelled Tarnow. "
        "The Ruritanian envoy at the Concord of Nations said that rebels shelled Kolno. "
        "Ruritania's press service said that the bridge was destroyed."
    )
    assert rows(text, registry, "claimant", "side") == [
        ("Ruritanian army", "ruritania"),
        ("Ruritanian government", "ruritania"),
        ("Ruritanian government", "ruritania"),
    ]


# --- 12. claim type vocabulary and precedence -------------------------------------------------


def test_claim_type_vocabulary_and_precedence(registry):
    text = (
        "The army said the ninth incident at the airfield happened overnight. "
        "The rebels said they destroyed a battalion and killed manpower. "
        "The rebels warned they would strike the capital if the shelling continued. "
        "The army announced a unilateral halt to operations. "
        "The Concord said clashes took place near Kolno. "
        "The navy said the Vela sank after a fire. "
        "The Concord said 17 houses were destroyed in Tarnow. "
        "The rebels said they hit the Vela with two missiles. "
        "The navy said the Vela suffered an explosion."
    )
    assert rows(text, registry, "claim_type") == [
        ("attack",),
        ("casualties",),
        ("diplomatic",),
        ("ceasefire",),
        ("attack",),
        ("materiel",),
        ("attack",),
        ("attack",),
        ("other",),
    ]


def test_confirmation_about_another_kind_of_event_answers_nothing(registry):
    text = (
        "The rebels said that they had taken Kolno. "
        "The army released a statement confirming that two soldiers were killed near Kolno."
    )
    assert rows(text, registry, "claimant", "stance", "claim_type", "responds_to") == [
        ("Bordurian Liberation Army", "assert", "territorial", None),
        ("Ruritanian army", "confirm", "casualties", None),
    ]


def test_timeline_entries_of_several_kinds(registry):
    text = (
        "== May 2031 ==\n"
        "=== 6 May ===\n"
        "At 06:10, the Ruritanian navy said it had intercepted a rebel boat off Kolno. "
        "The rebels said none of their boats were near Kolno.\n"
        "=== 7 May ===\n"
        "Two soldiers were reportedly wounded near Tarnow. "
        "A depot near Tarnow was destroyed overnight, according to the coast guard. "
        "The army did not confirm the loss.\n"
    )
    assert rows(text, registry, "claimant", "stance", "claim_type", "event_date", "time", "responds_to") == [
        ("Ruritanian navy", "assert", "other", date(2031, 5, 6), "06:10", None),
        ("Bordurian Liberation Army", "deny", "other", date(2031, 5, 6), None, 0),
        ("Coast guard", "assert", "materiel", date(2031, 5, 7), None, None),
    ]


def test_warnings_of_what_would_follow_and_reaffirmations(registry):
    text = (
        "Prior to the assault, the army dropped leaflets warning that rebels would be targeted. "
        "The rebels warned of a massacre if the army took Tarnow. "
        "The rebels said that the army had captured the station. "
        "The Concord reaffirmed that the army had captured the station."
    )
    assert rows(text, registry, "claimant", "stance", "claim_type", "responds_to") == [
        ("Ruritanian army", "assert", "diplomatic", None),
        ("Bordurian Liberation Army", "assert", "diplomatic", None),
        ("Bordurian Liberation Army", "assert", "territorial", None),
        ("Concord of Nations", "confirm", "territorial", 2),
    ]
