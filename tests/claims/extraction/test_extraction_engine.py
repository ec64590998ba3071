"""Pinned extractions of short reports written for these tests."""

from datetime import date

from claims.extraction import EXTRACTOR_VERSION, extract


def _rows(text, registry, document_date=None):
    return [
        (
            c.quote,
            c.claimant_mention,
            c.claimant,
            c.side,
            c.stance,
            c.claim_type,
            c.event_date,
            c.time,
            c.responds_to,
        )
        for c in extract(text, registry, document_date=document_date)
    ]


def test_extract_claim_and_denial_in_one_sentence(registry):
    text = (
        "=== 3 May 2031 ===\n"
        "At approximately 07:45, the Northland MoD stated that Southland artillery had shelled "
        "Velka and Dorn in Ostra Province; the SDF issued a denial."
    )
    assert _rows(text, registry) == [
        (
            "Southland artillery had shelled Velka and Dorn in Ostra Province",
            "the Northland MoD",
            "Northland Ministry of Defence",
            "northland",
            "assert",
            "attack",
            date(2031, 5, 3),
            "07:45",
            None,
        ),
        (
            "the SDF issued a denial",
            "the SDF",
            "Southland Defence Forces",
            "southland",
            "deny",
            "attack",
            date(2031, 5, 3),
            "07:45",
            0,
        ),
    ]


def test_extract_offsets_point_into_the_text(registry):
    text = "Preamble.\n\nAccording to the Red Cross, 12 civilians were killed in Velka."
    (claim,) = extract(text, registry, document_date=date(2031, 5, 2))
    assert claim.quote == "12 civilians were killed in Velka"
    assert text[claim.start : claim.end] == claim.quote
    assert text[claim.sentence_start : claim.sentence_start + len(claim.sentence)] == claim.sentence
    assert claim.sentence == "According to the Red Cross, 12 civilians were killed in Velka."
    assert (claim.claimant, claim.claim_type, claim.locations) == ("Red Cross", "casualties", ("Velka",))
    assert claim.event_date == date(2031, 5, 2)
    assert claim.version == EXTRACTOR_VERSION


def test_extract_two_sources_in_one_sentence(registry):
    text = (
        "The SDF said it had shot down two Northland drones near Kessel, while the Northland MoD "
        "stated that its forces had captured the bridge at Ilvo."
    )
    rows = [(c.quote, c.claimant, c.claim_type, c.locations) for c in extract(text, registry)]
    assert rows == [
        ("it had shot down two Northland drones near Kessel", "Southland Defence Forces", "materiel", ("Kessel",)),
        ("its forces had captured the bridge at Ilvo", "Northland Ministry of Defence", "territorial", ("Ilvo",)),
    ]


def test_extract_pronoun_and_footage_and_denial_of_the_claim(registry):
    text = (
        "The Northland MoD stated that its forces had captured the bridge at Ilvo. "
        "It also released footage apparently showing troops in Ilvo. "
        "Southland denies the claim."
    )
    rows = [
        (c.quote, c.claimant_mention, c.claimant, c.stance, c.claim_type, c.responds_to)
        for c in extract(text, registry)
    ]
    assert rows == [
        (
            "its forces had captured the bridge at Ilvo",
            "The Northland MoD",
            "Northland Ministry of Defence",
            "assert",
            "territorial",
            None,
        ),
        ("troops in Ilvo", "It", "Northland Ministry of Defence", "assert", "territorial", None),
        ("Southland denies the claim", "Southland", "Southland authorities", "deny", "territorial", 1),
    ]


def test_extract_full_name_then_surname_and_relative_date(registry):
    text = (
        "On May 3, the SDF said it had shot down a helicopter.\n"
        "The following day, Ivo Brandt, the President of Northland, declared that government forces had retaken Marn. "
        "Brandt later added that Northland was ready to hold talks with mediators."
    )
    rows = [
        (c.claimant_mention, c.claimant, c.claim_type, c.event_date) for c in extract(text, registry, date(2031, 5, 1))
    ]
    assert rows == [
        ("the SDF", "Southland Defence Forces", "materiel", date(2031, 5, 3)),
        ("Ivo Brandt, the President of Northland", "President of Northland", "territorial", date(2031, 5, 4)),
        ("Brandt", "President of Northland", "diplomatic", date(2031, 5, 4)),
    ]


def test_extract_both_sides_make_two_claims(registry):
    rows = [
        (c.quote, c.claimant, c.side, c.claim_type)
        for c in extract("Both sides accused each other of violating the truce.", registry)
    ]
    assert rows == [
        ("accused each other of violating the truce", "Northland government", "northland", "ceasefire"),
        ("accused each other of violating the truce", "Southland authorities", "southland", "ceasefire"),
    ]


def test_extract_unknown_source_is_proposed_as_third_party(registry):
    (claim,) = extract(
        "A spokesman for the Lakeside Monitoring Group said that fighting continued near Marn.", registry
    )
    assert (claim.claimant, claim.claimant_known, claim.side) == ("Lakeside Monitoring Group", False, "third_party")
    assert claim.claimant_mention == "A spokesman for the Lakeside Monitoring Group"
    assert claim.claim_type == "attack"


def test_extract_unknown_source_with_registered_demonym_takes_that_side(default_registry):
    (claim,) = extract("Azerbaijani forces reported operational control over several villages.", default_registry)
    assert (claim.claimant, claim.claimant_known, claim.side) == ("Azerbaijani forces", False, "azerbaijan")
    assert claim.claim_type == "territorial"


def test_extract_aliases_are_case_and_article_insensitive(default_registry):
    text = (
        "Azerbaijan's defence ministry says it launched a counter offensive. "
        "The president of Azerbaijan stated that troops entered Jabrayil."
    )
    rows = [(c.claimant_mention, c.claimant, c.side) for c in extract(text, default_registry)]
    assert rows == [
        ("Azerbaijan's defence ministry", "Azerbaijani MoD", "azerbaijan"),
        ("The president of Azerbaijan", "President of Azerbaijan", "azerbaijan"),
    ]


def test_extract_same_ministry_and_time_words(default_registry):
    text = (
        "=== 6 October ===\n"
        "At approximately 16:30, the Armenian MoD stated that Azerbaijani forces had started a new offensive. "
        "At midday, the Azerbaijani MoD stated that Armenian forces were shelling Barda. "
        "Around half an hour later, the same Ministry stated that its forces had destroyed a depot."
    )
    rows = [
        (c.claimant, c.time, c.claim_type, c.event_date) for c in extract(text, default_registry, date(2020, 10, 1))
    ]
    assert rows == [
        ("Armenian MoD", "16:30", "attack", date(2020, 10, 6)),
        ("Azerbaijani MoD", "12:00", "attack", date(2020, 10, 6)),
        ("Azerbaijani MoD", None, "materiel", date(2020, 10, 6)),
    ]


def test_extract_passive_denial_and_later_confirmation(default_registry):
    text = (
        "The Azerbaijani MoD stated that a missile had killed 10 civilians in Ganja; "
        "this was officially denied but subsequently confirmed."
    )
    rows = [
        (c.quote, c.claimant_mention, c.claimant, c.stance, c.claim_type, c.responds_to)
        for c in extract(text, default_registry)
    ]
    assert rows == [
        (
            "a missile had killed 10 civilians in Ganja",
            "The Azerbaijani MoD",
            "Azerbaijani MoD",
            "assert",
            "casualties",
            None,
        ),
        ("this was officially denied", None, "Armenian authorities", "deny", "casualties", 0),
        ("subsequently confirmed", None, "Armenian authorities", "confirm", "casualties", 0),
    ]


def test_extract_issued_a_denial_with_reason_is_one_claim(default_registry):
    text = (
        "Poghosyan stated that an Azerbaijani helicopter had been shot down near Khojavend; "
        "the Azerbaijani MoD issued a denial, stating it had not been deploying helicopters."
    )
    rows = [(c.quote, c.stance, c.claim_type, c.responds_to) for c in extract(text, default_registry)]
    assert rows == [
        ("an Azerbaijani helicopter had been shot down near Khojavend", "assert", "materiel", None),
        ("the Azerbaijani MoD issued a denial, stating it had not been deploying helicopters", "deny", "materiel", 0),
    ]


def test_extract_narrative_and_appeals_are_not_claims(registry):
    text = (
        "Clashes continued overnight. The Red Cross calls for a ceasefire. "
        "Northland urges restraint. Brandt vows to fight to the end."
    )
    assert extract(text, registry) == []


def test_extract_announcing_martial_law_is_an_act_not_a_claim(registry):
    assert extract("In the afternoon, Northland announced martial law and a curfew.", registry) == []


def test_extract_dateline_and_day_of_month(registry):
    text = (
        "date 2031-06-20 Report.\n\nOn the 14th, the SDF said it had downed a drone. "
        "Two days later, Northland said that Marn was calm."
    )
    rows = [(c.claimant, c.event_date, c.claim_type) for c in extract(text, registry)]
    assert rows == [
        ("Southland Defence Forces", date(2031, 6, 14), "materiel"),
        ("Northland government", date(2031, 6, 16), "other"),
    ]


def test_extract_month_heading_without_year_uses_document_year(registry):
    text = "Fighting in 2031 went on.\n==June==\n=== 2 June ===\nThe SDF stated that it had shelled Velka."
    (claim,) = extract(text, registry)
    assert claim.event_date == date(2031, 6, 2)


def test_extract_confidences_are_in_range(registry):
    text = "The SDF stated that it had shelled Velka. Southland allegedly captured Dorn."
    claims = extract(text, registry)
    assert [(c.stance, c.claimant) for c in claims] == [
        ("assert", "Southland Defence Forces"),
        ("assert", "Southland Defence Forces"),
    ]
    assert [c.claimant_mention for c in claims] == ["The SDF", None]
    assert all(0.0 <= c.confidence <= 1.0 for c in claims)
    assert claims[0].confidence > claims[1].confidence


def test_extract_indexes_follow_document_order(registry):
    text = (
        "The SDF stated that it had shelled Velka. Northland said that Dorn was calm. "
        "The ICRC reported that 3 people died."
    )
    assert [c.index for c in extract(text, registry)] == [0, 1, 2]


MARITIME = [
    {"name": "Marovian Navy", "side": "marovia", "aliases": ["Marovian Navy", "the navy"]},
    {"name": "Marovian government", "side": "marovia", "aliases": ["Marovia", "Marovian government"]},
    {
        "name": "Talvan Foreign Ministry",
        "side": "talva",
        "aliases": ["Talvan Foreign Ministry", "Talva's foreign ministry"],
    },
    {"name": "Talvan government", "side": "talva", "aliases": ["Talva", "Talvan government"]},
]


def test_extract_wire_report_of_another_conflict():
    from claims.extraction import Registry

    registry = Registry.from_records(MARITIME)
    text = (
        "PORT SELA, 12 August 2027 - Marovia said on Tuesday that Talvan gunboats had fired on two trawlers "
        'near the Okeme Shoals, wounding five sailors, an accusation Talva\'s foreign ministry dismissed as "lies".\n\n'
        "According to the navy, the frigate came under fire first. "
        "Residents of Okeme told reporters that gunfire could be heard throughout the night."
    )
    rows = [
        (c.quote, c.claimant, c.side, c.stance, c.claim_type, c.event_date, c.responds_to)
        for c in extract(text, registry)
    ]
    assert rows == [
        (
            "Talvan gunboats had fired on two trawlers near the Okeme Shoals, wounding five sailors",
            "Marovian government",
            "marovia",
            "assert",
            "casualties",
            date(2027, 8, 10),  # "on Tuesday" before the Thursday dateline
            None,
        ),
        (
            'Talva\'s foreign ministry dismissed as "lies"',
            "Talvan Foreign Ministry",
            "talva",
            "deny",
            "casualties",
            date(2027, 8, 10),
            0,
        ),
        ("the frigate came under fire first", "Marovian Navy", "marovia", "assert", "attack", date(2027, 8, 12), None),
        (
            "gunfire could be heard throughout the night",
            "Residents of Okeme",
            "third_party",
            "assert",
            "attack",
            date(2027, 8, 12),
            None,
        ),
    ]
