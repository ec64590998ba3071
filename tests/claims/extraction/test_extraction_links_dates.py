"""Which source a claim has and which claim an answer answers, pinned with
invented reports in the styles other wars are written in: a news digest
(running prose, dates in the text) and an encyclopedic article (sections
under headings, narrative between the claims).

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
        {"name": "Ruritanian army", "side": "ruritania", "aliases": ["Ruritanian army", "the army"]},
        {"name": "Ruritanian navy", "side": "ruritania", "aliases": ["Ruritanian navy"]},
        {
            "name": "Bordurian Liberation Army",
            "side": "borduria",
            "aliases": ["Bordurian Liberation Army", "BLA", "the rebels"],
        },
        {"name": "Concord of Nations", "side": "third_party", "aliases": ["Concord of Nations", "the Concord"]},
        {"name": "Weekly Courier", "side": "third_party", "aliases": ["Weekly Courier"]},
    ],
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_of(RURITANIA_BORDURIA)


# --- sources the name walk stopped short of --------------------------------------------


def test_a_source_with_a_phrase_of_place_or_time_after_it(registry):
    text = (
        "An activist inside the city said that the army shelled Kolno. "
        "A rebel spokesman inside the town claimed the bridge was destroyed. "
        "An army officer at the end of the day confirmed the rebels had taken the bridge."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "stance") == [
        ("the army shelled Kolno", "An activist", "Activist", "assert"),
        ("the bridge was destroyed", "A rebel spokesman", "Bordurian Liberation Army", "assert"),
        (
            "An army officer at the end of the day confirmed the rebels had taken the bridge",
            "An army officer",
            "Ruritanian army",
            "confirm",
        ),
    ]


def test_told_and_wrote_with_words_before_that_and_coordinated_sources(registry):
    text = (
        "A Ruritanian officer told the journalist that the army held Kolno. "
        "Weekly Courier and two analysts wrote in the aftermath that the navy had lost a frigate near Tarnow. "
        "According to an eyewitness, ten soldiers were killed in Kolno."
    )
    assert rows(text, registry, "quote", "claimant") == [
        ("the army held Kolno", "Ruritanian officer"),
        ("the navy had lost a frigate near Tarnow", "Weekly Courier"),
        ("the navy had lost a frigate near Tarnow", "Two analysts"),
        ("ten soldiers were killed in Kolno", "Eyewitness"),
    ]


def test_attribution_after_the_proposition_with_as_stated_by(registry):
    text = (
        "The rebels shelled Kolno, as stated by a Concord monitor. "
        "The army besieged Tarnow, into which rebel fighters were retreating, as reported by the Concord."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant") == [
        ("The rebels shelled Kolno", "a Concord monitor", "Concord of Nations"),
        ("into which rebel fighters were retreating", "the Concord", "Concord of Nations"),
    ]


def test_according_to_a_source_behind_modifiers_and_names(registry):
    text = (
        "It was also reported, according to pro-government sources, that the army was advancing on Tarnow. "
        "According to independent Bordurian online newspaper Weekly Courier, ten soldiers were killed in Kolno."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "side") == [
        ("the army was advancing on Tarnow", "pro-government sources", "Pro-government sources", "third_party"),
        (
            "ten soldiers were killed in Kolno",
            "independent Bordurian online newspaper Weekly Courier",
            "Weekly Courier",
            "third_party",
        ),
    ]


# --- answers and what they answer ----------------------------------------------------


def test_a_denial_with_a_claim_of_its_own_after_with(registry):
    text = (
        "The Ruritanian army said its troops were advancing on Kolno. "
        "The rebels denied this with a BLA major claiming the attack on Kolno was repulsed."
    )
    assert rows(text, registry, "quote", "claimant", "stance", "responds_to") == [
        ("its troops were advancing on Kolno", "Ruritanian army", "assert", None),
        ("The rebels denied this", "Bordurian Liberation Army", "deny", 0),
        ("the attack on Kolno was repulsed", "Bordurian Liberation Army", "assert", None),
    ]


def test_a_lower_figure_denies_the_claim_that_gave_that_figure(registry):
    text = (
        "The rebels said that over 1,000 fighters had reached Kolno. "
        "The Ruritanian army said the number was far fewer than 1,000. "
        "The Concord said fewer than 500 civilians had left Tarnow."
    )
    assert rows(text, registry, "quote", "stance", "responds_to") == [
        ("over 1,000 fighters had reached Kolno", "assert", None),
        ("the number was far fewer than 1,000", "deny", 0),
        ("fewer than 500 civilians had left Tarnow", "assert", None),
    ]


def test_a_flat_negation_reaches_past_narrative_only_on_a_shared_word_of_what_happened(registry):
    article = (
        "== Siege of Kolno (2031) ==\n"
        "On 3 May 2031, the rebels said that the army had shelled the market in Kolno. "
        "Fighting went on in the hills. Supplies ran short in the town. "
        "The Ruritanian army said there were no shells fired at the market."
    )
    assert rows(article, registry, "claimant", "stance", "event_date", "responds_to") == [
        ("Bordurian Liberation Army", "assert", date(2031, 5, 3), None),
        ("Ruritanian army", "deny", date(2031, 5, 3), 0),
    ]
    digest = (
        "On 3 May 2031, the rebels said that the army had shelled Kolno. "
        "The army entered Tarnow. Smoke rose over Tarnow. "
        "The Ruritanian army said there were no troops near Kolno."
    )
    assert rows(digest, registry, "stance", "responds_to") == [("assert", None), ("assert", None)]


def test_an_answer_to_a_claim_several_sources_share_answers_the_first(registry):
    text = (
        "Weekly Courier and two analysts wrote that the navy had lost a frigate near Tarnow. "
        "The Ruritanian navy said there were no frigates lost near Tarnow."
    )
    assert rows(text, registry, "claimant", "stance", "responds_to") == [
        ("Weekly Courier", "assert", None),
        ("Two analysts", "assert", None),
        ("Ruritanian navy", "deny", 0),
    ]


def test_a_confirmation_restating_an_older_claim_answers_it(registry):
    text = (
        "=== 3 May 2031 ===\n"
        "A Ruritanian army source said troops entered the centre of Kolno, seizing the main square and the "
        "town hall.\n"
        "One rebel commander denied that the army made gains.\n"
        "Rain fell on the hills. The roads were muddy. Trucks queued at the border. Shops stayed shut. "
        "The power failed at dusk. Bakers ran out of flour. Schools closed early. The river rose. "
        "Buses stopped running. Night fell.\n"
        "=== 4 May 2031 ===\n"
        "A rebel activist once again confirmed that the army had captured the town hall and the centre of Kolno."
    )
    assert rows(text, registry, "claimant", "stance", "claim_type", "event_date", "responds_to") == [
        ("Ruritanian army", "assert", "territorial", date(2031, 5, 3), None),
        ("Bordurian Liberation Army", "deny", "territorial", date(2031, 5, 3), 0),
        ("Rebel activist", "confirm", "territorial", date(2031, 5, 4), 0),
    ]


def test_a_confirmation_of_the_same_kind_answers_its_own_side_only_with_shared_words(registry):
    own_side = (
        'A rebel commander said, "We have suffered heavy losses." '
        "The rebels confirmed that 700 wounded were trapped in Kolno."
    )
    other_side = (
        'The Ruritanian army said, "We have suffered heavy losses." '
        "The rebels confirmed that 700 wounded were trapped in Kolno."
    )
    assert rows(own_side, registry, "stance", "claim_type", "responds_to") == [
        ("assert", "casualties", None),
        ("confirm", "casualties", None),
    ]
    assert rows(other_side, registry, "stance", "claim_type", "responds_to") == [
        ("assert", "casualties", None),
        ("confirm", "casualties", 0),
    ]


def test_a_negated_report_claims_nothing_and_ends_the_claim_before_it(registry):
    text = (
        "The Ruritanian army said soon after the sinking that the crew had been rescued, and initially did not "
        "report any casualties. The rebels did not say whether Kolno had fallen."
    )
    assert rows(text, registry, "quote", "claimant", "claim_type") == [
        ("the crew had been rescued", "Ruritanian army", "casualties"),
    ]


def test_told_a_programme_with_a_long_name_that(registry):
    text = (
        "A Bordurian commentator, a strong rebel supporter, told the Weekly Courier Radio 4's The World at One "
        "that the frigate had been hit by two missiles."
    )
    assert rows(text, registry, "quote", "claimant_mention") == [
        ("the frigate had been hit by two missiles", "A Bordurian commentator"),
    ]


def test_a_third_party_confirms_a_sides_claim_not_another_observers(registry):
    text = (
        "The rebels said that the army had shelled the market in Kolno. "
        "Weekly Courier reported that the market in Kolno had been shelled. "
        "The Concord confirmed that the market in Kolno had been shelled."
    )
    assert rows(text, registry, "claimant", "stance", "responds_to") == [
        ("Bordurian Liberation Army", "assert", None),
        ("Weekly Courier", "assert", None),
        ("Concord of Nations", "confirm", 0),
    ]
    nothing_to_confirm = (
        "Weekly Courier reported that photographs of the frigate had been posted online. "
        "The Concord confirmed that the photographs show the frigate."
    )
    assert rows(nothing_to_confirm, registry, "claimant", "stance", "responds_to") == [
        ("Weekly Courier", "assert", None),
        ("Concord of Nations", "confirm", None),
    ]


def test_an_answer_to_a_shared_claim_never_answers_the_answerers_own(registry):
    text = (
        "Weekly Courier and the Concord reported that the frigate was completely sunk. "
        "The Concord later said there was no frigate sunk."
    )
    assert rows(text, registry, "claimant", "stance", "responds_to") == [
        ("Weekly Courier", "assert", None),
        ("Concord of Nations", "assert", None),
        ("Concord of Nations", "deny", 0),
    ]
    text = (
        "The Concord and Weekly Courier reported that the frigate was completely sunk. "
        "The Concord later said there was no frigate sunk."
    )
    assert rows(text, registry, "claimant", "stance", "responds_to") == [
        ("Concord of Nations", "assert", None),
        ("Weekly Courier", "assert", None),
        ("Concord of Nations", "deny", 1),
    ]


def test_the_agent_of_a_phrase_describing_the_source_is_not_the_source(registry):
    text = (
        "Analysts who were independently consulted by Weekly Courier confirmed that the photographs show the frigate. "
        "Naval experts consulted by the Concord said the damage was consistent with a missile attack."
    )
    assert rows(text, registry, "claimant_mention", "claimant", "stance") == [
        ("Analysts", "Analysts", "confirm"),
        ("Naval experts", "Naval experts", "assert"),
    ]


def test_according_to_their_words_carries_the_quotation_on(registry):
    text = (
        'The rebels posted the following: "According to unconfirmed reports, the frigate sank." '
        'And, according to their "preliminary information, was indeed hit by two missiles near Kolno. '
        "Also, the crew of the frigate was diverted to counter the drones. "
        'After the fire, the crew of about 500 people was evacuated."'
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant") == [
        ("According to unconfirmed reports, the frigate sank", "The rebels", "Bordurian Liberation Army"),
        ("was indeed hit by two missiles near Kolno", None, "Bordurian Liberation Army"),
        ("the crew of the frigate was diverted to counter the drones", None, "Bordurian Liberation Army"),
        ("After the fire, the crew of about 500 people was evacuated", None, "Bordurian Liberation Army"),
    ]


def test_an_outlet_that_shows_the_contrary_later_asserts_and_confirms_nothing(registry):
    text = (
        "The rebels said that General Vask was killed in Kolno. "
        "Weekly Courier later showed the general alive. "
        "Fighting showed no sign of easing. "
        "The Bordurian Liberation Army showed restraint."
    )
    assert rows(text, registry, "quote", "claimant", "stance", "responds_to") == [
        ("General Vask was killed in Kolno", "Bordurian Liberation Army", "assert", None),
        ("the general alive", "Weekly Courier", "assert", None),
    ]


def test_a_label_after_the_clause_names_its_source(registry):
    text = (
        "On 3 May 2031, the army shelled Kolno, in a claim made two days later by rebel officials. "
        "The strike hit the depot, in a report published by Weekly Courier. "
        "The rebels repeated the claim that Kolno fell."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "event_date") == [
        ("the army shelled Kolno", "rebel officials", "Bordurian Liberation Army", date(2031, 5, 3)),
        ("The strike hit the depot", "Weekly Courier", "Weekly Courier", date(2031, 5, 3)),
    ]


def test_a_plural_possessive_source_denies_without_a_denial_verb(registry):
    text = (
        "On 3 May 2031, the Ruritanian navy said it intercepted a rebel submarine. "
        "The rebels' navy said none of its ships were in the area."
    )
    assert rows(text, registry, "claimant_mention", "claimant", "stance", "responds_to") == [
        ("the Ruritanian navy", "Ruritanian navy", "assert", None),
        ("The rebels' navy", "Bordurian Liberation Army", "deny", 0),
    ]


def test_an_impersonal_confirmation_in_a_statement_is_the_statement_authors_claim(registry):
    text = (
        "The army said that General Vask leads the rebels in Kolno. "
        '"It has been confirmed that General Vask is in Kolno", said a statement issued by the BLA.'
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "stance", "responds_to") == [
        ("General Vask leads the rebels in Kolno", "The army", "Ruritanian army", "assert", None),
        (
            "It has been confirmed that General Vask is in Kolno",
            "the BLA",
            "Bordurian Liberation Army",
            "assert",
            None,
        ),
    ]


def test_a_long_relative_clause_between_source_and_cue_and_the_assertion_answered(registry):
    text = (
        "A BLA fighter, who left the battle four days prior but stayed in touch with developments and was "
        "expected to return, said the group had cleared the army from most of the town and the Ruritanian army "
        "confirmed the assertion."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "stance", "responds_to") == [
        (
            "the group had cleared the army from most of the town",
            "A BLA fighter",
            "Bordurian Liberation Army",
            "assert",
            None,
        ),
        ("the Ruritanian army confirmed the assertion", "the Ruritanian army", "Ruritanian army", "confirm", 0),
    ]


def test_making_a_case_that_is_a_cue_and_making_the_case_for_is_not(registry):
    text = (
        "Bordurian military analyst Ivan Horak makes a case that operator fatigue could have been a significant "
        "factor. The army made the case for a truce."
    )
    assert rows(text, registry, "quote", "claimant") == [
        ("operator fatigue could have been a significant factor", "Ivan Horak"),
    ]


def test_according_to_him_is_the_source_just_named(registry):
    text = (
        "On 3 May 2031, a Ruritanian navy spokesman said that a distress signal had been sent from the frigate. "
        "According to him, there were 485 crew on board. "
        "It was not known how many survived."
    )
    assert rows(text, registry, "quote", "claimant_mention", "claimant", "event_date") == [
        (
            "a distress signal had been sent from the frigate",
            "a Ruritanian navy spokesman",
            "Ruritanian navy",
            date(2031, 5, 3),
        ),
        ("there were 485 crew on board", None, "Ruritanian navy", date(2031, 5, 3)),
    ]


# --- words in another form ------------------------------------------------------------------


def test_an_answer_shares_words_with_its_claim_in_any_form_of_the_verb(registry):
    from claims.extraction.links import Answer, link

    def claim(index, stance, name, side, content, claim_type):
        return Answer(index, index, stance, name, side, content, claim_type, 0.5, False)

    claims = [
        claim(0, "assert", "Ruritanian army", "ruritania", "the ridge fell at dawn", "territorial"),
        claim(1, "assert", "Ruritanian army", "ruritania", "troops held the crossing at Vados", "territorial"),
        claim(2, "confirm", "Concord of Nations", "third_party", "the ridge had fallen", "other"),
    ]
    link(claims, registry)

    # "had fallen" restates "fell" (two words shared, the ridge and the fall): it answers
    # that claim, not the nearer one that only has its type
    assert [c.responds_to for c in claims] == [None, None, 0]
