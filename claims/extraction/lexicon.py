"""Word lists of English conflict reporting used by the extraction stages.

Only language lives here (cue verbs, type keywords, month names, words that
head a source's name). Names of actors and places never do: actors come from
the registry, places are found by shape.
"""

import re


def words(text: str) -> list[str]:
    """The whitespace-separated words of a word list written as one string."""
    return text.split()


# --- attribution cues -------------------------------------------------------

# Verb stems whose inflections introduce a reported proposition. The stance a
# cue gives is decided by the group it belongs to.
ASSERT_VERBS = {
    "state": ("state", "states", "stated", "stating"),
    "say": ("say", "says", "said", "saying"),
    "report": ("report", "reports", "reported", "reporting"),
    "announce": ("announce", "announces", "announced", "announcing"),
    "claim": ("claim", "claims", "claimed", "claiming"),
    "allege": ("allege", "alleges", "alleged", "alleging"),
    "declare": ("declare", "declares", "declared", "declaring"),
    "add": ("add", "adds", "added", "adding"),
    "note": ("note", "notes", "noted", "noting"),
    "warn": ("warn", "warns", "warned", "warning"),
    "accuse": ("accuse", "accuses", "accused", "accusing"),
    "blame": ("blame", "blames", "blamed", "blaming"),
    "assert": ("assert", "asserts", "asserted", "asserting"),
    "maintain": ("maintain", "maintains", "maintained", "maintaining"),
    "insist": ("insist", "insists", "insisted", "insisting"),
    "affirm": ("affirm", "affirms", "affirmed", "affirming"),
    "reiterate": ("reiterate", "reiterates", "reiterated", "reiterating"),
    "write": ("write", "writes", "wrote", "writing"),
    "tell": ("tell", "tells", "told", "telling"),
    "argue": ("argue", "argues", "argued", "arguing"),
    "estimate": ("estimate", "estimates", "estimated", "estimating"),
    "suggest": ("suggest", "suggests", "suggested"),
    "speculate": ("speculate", "speculates", "speculated"),
    "reveal": ("reveal", "reveals", "revealed"),
    "mention": ("mention", "mentions", "mentioned"),
    "describe": ("describe", "describes", "described"),
    "consider": ("consider", "considers", "considered"),
    "welcome": ("welcome", "welcomes", "welcomed"),
    "protest": ("protest", "protests", "protested"),
}
DENY_VERBS = {
    "deny": ("deny", "denies", "denied", "denying"),
    "reject": ("reject", "rejects", "rejected", "rejecting"),
    "dismiss": ("dismiss", "dismisses", "dismissed", "dismissing"),
    "refute": ("refute", "refutes", "refuted", "refuting"),
}
CONFIRM_VERBS = {
    "confirm": ("confirm", "confirms", "confirmed", "confirming"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged", "acknowledging"),
    "concur": ("concur", "concurs", "concurred", "concurring"),
    "corroborate": ("corroborate", "corroborates", "corroborated", "corroborating"),
    "verify": ("verify", "verifies", "verified", "verifying"),
    "reaffirm": ("reaffirm", "reaffirms", "reaffirmed", "reaffirming"),
}

# Verbs that only make a claim with a clause after them ("warned that",
# "told reporters that"), never with a bare object ("issued a warning").
NEEDS_THAT = frozenset({"warn", "tell", "write", "argue", "insist", "maintain", "suggest", "speculate", "mention"})
# Verbs whose object and its "as" phrase are the claim: "described the raid as retaliation".
OBJECT_AS = frozenset({"describe"})
# "considered this unlikely": a verdict on a claim just made, a denial.
DISMISSALS = frozenset(
    words("unlikely implausible false untrue baseless groundless fabricated absurd impossible wrong incorrect")
)
# Verbs whose object is the accused party: "accused X of Y".
ACCUSE_STEMS = frozenset({"accuse", "blame"})

# Objects that make "announce"/"declare" an act rather than a report.
PERFORMATIVE_OBJECTS = re.compile(
    r"(?:a |an |the )?(?:\w+ ){0,2}?(?:martial law|curfew|mobili[sz]ation|"
    r"state of (?:emergency|war)|mourning|ultimatum|"
    r"independence|war\b|partial mobili)",
    re.IGNORECASE,
)

# "released footage apparently showing ...", "published a video of ..."
MEDIA_VERBS = (
    "released|releases|release|releasing|published|publishes|publishing|"
    "posted|posts|posting|shared|shares|sharing|showed|shows|aired|airs|"
    "broadcast|broadcasts|circulated"
)
MEDIA_NOUNS = "footage|video|videos|images|image|photos|photographs|photo|pictures|recordings|recording|clips|clip"

# Words between a subject and its verb that belong to neither.
ADVERBS = frozenset(
    words(
        """
        also then thus subsequently later initially officially formally further again
        promptly repeatedly publicly previously earlier meanwhile now too first
        separately immediately quickly jointly however soon reportedly allegedly
        apparently reportedly once still yet late early likewise similarly swiftly
        briefly finally separately already
        """
    )
)
AUXILIARIES = frozenset(
    words(
        """
        has have had is was were are be been will would did does do shall can could may
        might must not
        """
    )
)
PASSIVE_AUX = frozenset(["is", "was", "were", "are", "be", "been", "being"])
# Finite verbs that do not end in -ed: "Northern forces took the bridge".
IRREGULAR_PAST = frozenset(
    words(
        """
        took struck fled shot hit began lost fought came went held won made ran withdrew
        overran broke left fell rose drove sent brought blew tore retook overtook
        """
    )
)

# The forms of verbs that change their stem, by their base: linking compares
# what two claims say by word stems, and "had sunk" restates "sank".
_VERB_FORMS = """
    sink: sank sunk sinking sinks
    strike: struck striking strikes
    shoot: shot shooting shoots
    take: took taken taking takes
    fall: fell fallen falling falls
    flee: fled fleeing flees
    fight: fought fighting fights
    lose: lost losing loses
    hold: held holding holds
    seize: seized seizing seizes
    retake: retook retaken retaking retakes
    overrun: overran overrunning overruns
    withdraw: withdrew withdrawn withdrawing withdraws
    blow: blew blown blowing blows
    tear: tore torn tearing tears
    drive: drove driven driving drives
    bring: brought bringing brings
    send: sent sending sends
    rise: rose risen rising rises
    break: broke broken breaking breaks
"""


def _bases(table: str) -> dict[str, str]:
    bases = {}
    for line in table.strip().splitlines():
        base, forms = (part.strip() for part in line.split(":"))
        for form in (base, *forms.split()):
            bases[form] = base
    return bases


VERB_BASES = _bases(_VERB_FORMS)

PRONOUNS = frozenset(["it", "he", "she", "they", "we", "who"])
PERSON_PRONOUNS = frozenset({"he", "she"})

# Clause openers: a source's name never runs past them to the left.
CLAUSE_WORDS = frozenset(
    words(
        """
        that which who whom whose while whereas when where but as because since although
        though if after before until with without whilst so than via during following
        amid despite including against
        """
    )
)

# Determiners and small words allowed inside a source's name.
NP_FUNCTION = frozenset(
    words(
        """
        the a an both its their his her some several one two three other each all of for
        and & de la
        """
    )
)
# Lower-case words that can head or modify a source's name.
SOURCE_WORDS = frozenset(
    words(
        """
        authorities authority ministry ministries minister ministers official officials
        source sources spokesman spokeswoman spokesperson spokespeople correspondent
        correspondents reporter reporters journalist journalists government governments
        army military forces force units unit president presidents prime leader leaders
        leadership office command commander commanders general staff agency agencies
        media outlet outlets service services director head chief deputy observers
        observer experts expert mission monitors monitor witnesses witness eyewitnesses eyewitness
        residents police parties party side sides group groups council committee
        statement spokesmen officers officer representative representatives envoy
        ambassador embassy administration senior unofficial international third local
        regional state federal foreign defence defense interior affairs related publication
        publications website
        secretary governor mayor press news channel channels newspaper analysts analyst
        people activists volunteers doctors hospital hospitals health emergency rescue
        workers team teams same latter former separatists separatist rebels rebel
        militia militias fighters troops soldiers defenders operator operators airport
        pentagon agents organization organisation organizations monitoring navy naval
        air marines guard guards coastguard gendarmerie insurgents militants guerrillas
        paramilitaries villagers locals survivors medics resident villager survivor medic
        paramedics doctor nurse nurses blogger bloggers activist volunteer fighter soldier
        militant insurgent worker department ombudsman prosecutor prosecutors investigator
        investigators inspectors diplomat diplomats lawmaker lawmakers parliament
        intelligence broadcaster watchdog negotiator negotiators cabinet presidency capitals
        adviser advisers advisor advisors aide aides commentator commentators presenter
        columnist editor admiral colonel
        """
    )
)
# Heads that refer back to an earlier source: "the Ministry", "the same army".
COREF_HEADS = frozenset(
    words(
        """
        ministry government president army military office agency command service
        administration authorities prime minister leader spokesman spokeswoman council
        committee mission navy fleet police official spokesperson governor commander
        officer
        """
    )
)
# Equivalent spellings when a short head is matched against an actor's names.
COREF_EQUIVALENTS = {
    "ministry": ("ministry", "mod", "mofa", "moi", "minister"),
    "army": ("army", "military", "forces", "defence army", "defense army"),
    "military": ("military", "army", "forces", "mod"),
    "president": ("president", "presidential"),
    "government": ("government", "authorities", "cabinet"),
    "authorities": ("authorities", "government"),
    "spokesperson": ("spokesperson", "spokesman", "spokeswoman"),
    "spokesman": ("spokesman", "spokesperson"),
    "spokeswoman": ("spokeswoman", "spokesperson"),
}
# Source words that denote one person (for "he"/"she").
PERSON_WORDS = frozenset(
    words(
        """
        president minister leader spokesman spokeswoman spokesperson director commander
        chief head governor mayor ambassador envoy secretary correspondent reporter
        journalist expert analyst adviser advisor aide commentator presenter columnist
        editor admiral colonel
        """
    )
)
# "both sides", "each side": one claim per belligerent side.
BOTH_SIDES = re.compile(
    r"^(?:both|each|the two|either|the|all)\s+(?:sides|side|parties|party|"
    r"belligerents|warring (?:sides|parties)|capitals|governments|armies|countries)$",
    re.IGNORECASE,
)

ARTICLES = frozenset(["the", "a", "an", "both"])
# Capitalised words that are not names.
NOT_NAMES = frozenset(
    words(
        """
        the a an at in on by from to of for with after before during around about
        approximately shortly subsequently meanwhile overnight later earlier early late
        this that these those it its they their he she his her we our and but or also
        then however according just when while since until in some both each all one two
        three several many other another monday tuesday wednesday thursday friday
        saturday sunday january february march april may june july august september
        october november december gmt utc am pm local time there here if as concurrently
        furthermore moreover additionally separately following approximately around
        roughly nearly almost local prior despite amid throughout instead besides
        """
    )
)

# --- content shaping ----------------------------------------------------------

# Words whose presence at a clause start marks an adverbial, not a subject.
TIME_WORDS = (
    r"morning|afternoon|evening|night|day|dawn|dusk|midday|mid-day|noon|"
    r"midnight|overnight|hours?|week|weekend"
)
# Verbs that continue the source's own actions after its statement:
# "stated that A and issued a warning" (the warning is not part of A).
SOURCE_ACTIONS = (
    "issued|released|published|expressed|called|urged|offered|vowed|demanded|"
    "appealed|asked|requested|pledged|promised|threatened|summoned|"
    "condemned|welcomed|thanked|deleted|posted|retracted|tweeted|removed|"
    "insisted|extended"
)

# --- claim types ------------------------------------------------------------

CLAIM_TYPES = (
    "casualties",
    "materiel",
    "territorial",
    "attack",
    "ceasefire",
    "diplomatic",
    "other",
)

PEOPLE = (
    r"soldiers?|troops|servicem[ae]n|personnel|civilians?|people|fighters|"
    r"militants|combatants|crew(?: members)?|pilots?|officers?|prisoners?|"
    r"hostages|residents|children|women|men|manpower|regiments?|battalions?|"
    r"brigades?|platoons?|compan(?:y|ies)|squads?|divisions?|detachments?|"
    r"mercenaries|volunteers|commanders?|conscripts|reservists"
)
EQUIPMENT = (
    r"tanks?|vehicles?|equipment|weapons|weaponry|drones?|uavs?|aircraft|"
    r"helicopters?|gunships?|jets?|warplanes?|planes?|airplanes?|launchers?|"
    r"howitzers?|guns?|artillery|depots?|ammunition|materiel|armou?r|"
    r"systems?|radars?|convoy|"
    r"columns?|trucks?|ships?|vessels?|boats?|batter(?:y|ies)|missiles?|"
    r"rockets?|apcs?|ifvs?|bmps?|btrs?|trophies"
)

# Single words that mark a type, by type.
TYPE_WORDS = {
    "casualties": """killed killing killings kill kills died death deaths wounded wounding wounds
        massacre massacres massacred murdered executions
        injured injuring injuries injury displaced refugees hostage hostages bodies
        die dies dying evacuated evacuating evacuate evacuation evacuees rescued rescuing
        survived survivors survivor missing executed slain perished abducted kidnapped""",
    "materiel": """destroyed destroying destroys destruction downed downing crashed crashes
        crash wrecked wreckage disabled neutralized neutralised sank sunk scuttled""",
    "territorial": """took taken seized seize seizing captured capture capturing recaptured
        recapture retaken retook retake retaking regained liberated liberating occupied
        gained gains advanced advancing surrounded encircled encirclement squeezed squeezing overran overrun
        retreat retreated retreating retreats withdrew withdrawn withdrawing withdrawal
        fled flee fleeing deserted leaving presence reached breakthrough encircling encircle
        besieged besieging siege sieges blockade blockaded
        cleared clearing confined secured securing""",
    "attack": """shell shelled shelling shells rocketed rocketing fired firing fires bomb
        bombed bombing bombs strike strikes struck airstrike airstrikes attack attacked
        attacking attacks counterattack counterattacks counter-attack counter-attacks
        assault assaulted assaults offensive offensives counteroffensive counteroffensives
        counter-offensive hostilities clash clashes clashed battles combat
        targeted hit aggression artillery raid raids ambush incident incidents
        ambushed skirmish skirmishes explosions warfare sabotage barrage mortar
        mortars gunfire shooting shots rammed ramming sniper snipers blocked firefight firefights
        gunfight gunfights gunbattle gunbattles shootout pounded pounding stormed storming incursion
        incursions""",
    "ceasefire": "ceasefire cease-fire truce armistice",
    "diplomatic": """talks involvement assistance ready readiness prepared ultimatum
        sanction sanctions compliance enemy regards regard considers consider solution
        minsk summit embassy ambassador intervention interference corridor exchange
        observer observers accident failed treaty agreement agreed""",
}
# Buildings and places: destroying them is damage done by an attack, not
# materiel ("17 houses were destroyed in the bombardment").
CIVIL_STRUCTURES = frozenset(
    words(
        """
        house houses home homes building buildings town city village villages neighbourhood
        neighborhood neighbourhoods neighborhoods school schools hospital hospitals church
        mosque market street streets infrastructure apartment apartments
        """
    )
)
DESTRUCTION_WORDS = frozenset(words("destroyed destroying destroys destruction"))
# What footage shows when it shows who holds ground: forces, or places
# ("soldiers leaving X", "the airfield empty"); not a ship burning or a meeting.
GROUND_WORDS = frozenset(
    words(
        """
        forces troops soldiers servicemen units fighters militants rebels army tanks flag flags
        village villages town towns city settlement settlements height heights ridge hill hills
        position positions base airfield airport street streets outskirts square bridge checkpoint
        """
    )
)
# Word beginnings that mark a type ("bombard" covers bombardment, bombarding).
TYPE_PREFIXES = {
    "casualties": "casualt fatalit martyr assassinat",
    "attack": "bombard repel repuls",
    "diplomatic": """negotiat mediat deploy redeploy peace diplomat mercenar willing
        recogni responsib terroris provocation apolog assist""",
}
# Phrases, each tried only when one of its trigger words is in the text.
TYPE_PHRASES = (
    ("casualties", "toll", r"\bdeath toll\b"),
    ("casualties", "prisoner prisoners", r"\btaken prisoner|\bprisoners? of war\b"),
    ("casualties", "dead", r"(?<!the )\bdead\b"),
    ("casualties", "life", r"\bloss(?:es)? of life\b"),
    ("casualties", "losses", r"\blosses\b(?! of (?:" + EQUIPMENT + r")\b)"),
    (
        "casualties",
        "captured capturing detained destroyed eliminated neutralized",
        r"\b(?:captured|capturing|detained|destroyed|eliminated|neutrali[sz]ed)\s+"
        r"(?:\w+[\s-]+){0,4}?(?:" + PEOPLE + r")\b",
    ),
    ("materiel", "shot shoot shooting", r"\bshot down\b|\bshoot(?:ing)? down\b"),
    ("materiel", "knocked burned burnt", r"\bknocked out\b|\bburn(?:ed|t) out\b"),
    (
        "materiel",
        "captured seized lost abandoned",
        r"\b(?:captured|seized|lost|abandoned)\s+(?:\w+[\s-]+){0,4}?(?:" + EQUIPMENT + r")\b",
    ),
    ("territorial", "ground", r"\bhigh ground\b"),
    # a place that fell: "the town had fallen", "the fall of Kolno"; not shells that fell
    (
        "territorial",
        "fell fallen fall",
        r"\b(?:had|has|have)\s+fallen\b|\bfall of (?-i:[A-Z])|\b(?:town|city|village|base|airfield|airport)\s+fell\b",
    ),
    # control of ground, not a fight for it ("clashes for control of X") nor of events
    (
        "territorial",
        "control controls controlled controlling",
        r"(?<!\bfor )(?<!\bfor the )\bcontrol(?:s|led|ling)?\b(?!\s+(?:of\s+|over\s+)?the\s+situation\b)",
    ),
    # troops entering a place; not a missile entering a ship
    (
        "territorial",
        "entered entering",
        r"(?<!missile )(?<!missiles )(?<!rocket )(?<!rockets )(?<!shell )(?<!shells )(?<!projectile )"
        r"(?<!projectiles )(?<!bullets )(?<!shrapnel )\benter(?:ed|ing)\b",
    ),
    ("territorial", "advance", r"\badvance into\b"),
    # "pushed back a rebel assault" repels an attack; "pushed back the enemy" gains ground
    ("territorial", "pushed", r"\bpushed (?:back|into|out)\b(?!(?:\s+\w+){0,3}?\s+(?:assaults?|attacks?|offensives?))"),
    (
        "territorial",
        "held holding hold holds",
        r"\b(?:held|holding|holds?)\s+(?:the\s+|their\s+|its\s+)?(?:positions?|lines?|"
        r"ground|towns?|city|villages?|heights?)\b",
    ),
    ("territorial", "lost", r"\blost\s+(?:(?-i:[A-Z])|positions|villages|territory|ground|the town|the city)"),
    ("casualties", "lost", r"\blost\s+(?:\w+[\s-]+){0,3}?(?:" + PEOPLE + r")\b"),
    (
        "materiel",
        "lost",
        r"\b(?:" + EQUIPMENT + r")\b(?:\s+\w+){0,3}?\s+(?:was|were|been|being)\s+lost\b",
    ),
    # missiles that hit or are fired; not "a radar designed to detect missiles"
    (
        "attack",
        "missile missiles rocket rockets drone drones bomb bombs",
        r"\b(?:missiles?|rockets?)\s+(?:(?:were|was|had been|have been|being)\s+)?(?:attacks?|strikes?|fire|"
        r"barrages?|hit|hits|hitting|struck|striking|landed|launched|fired|entered|pierced|penetrated)\b|"
        r"\b(?:fired|launched|hit by|struck by)\s+"
        r"(?:\w+[\s-]+){0,3}?(?:missiles?|rockets?)\b|\b(?:hit|struck|damaged|targeted|attacked)\b(?:\s+\S+){0,4}?\s+"
        r"with\s+(?:\S+\s+){0,4}?(?:missiles?|rockets?|drones?|bombs?)\b",
    ),
    (
        "attack",
        "fire",
        r"\b(?:under|artillery|rocket|heavy|sniper|mortar|tank|opened|opening) fire\b|\bexchanges? of fire\b",
    ),
    # civilians fleeing are displaced; forces fleeing give up ground
    (
        "casualties",
        "fled flee fleeing",
        r"\b(?:civilians|residents|people|families|villagers|inhabitants|thousands|hundreds)\b(?:\s+\w+){0,3}?\s+"
        r"(?:had\s+|have\s+)?(?:fled|flee|fleeing)\b",
    ),
    # "a battle", "battles near X" report fighting; "the battle" names the one the
    # text is about ("the battle for X is far from over", "the defining battle"),
    # unless it goes on ("the battle for X raged overnight")
    (
        "attack",
        "battle",
        r"(?<!\bthe )(?<!\bthis )(?<!\bthat )(?<!\bdefining )\bbattle\b|\bbattle\s+(?:for\s+\S+\s+)?"
        r"(?:continued|continues|raged|rages|resumed|intensified|flared|(?:was|is)\s+(?:underway|raging|ongoing))\b",
    ),
    # "fighting near X"; not the war so far ("drained by two years of fighting")
    ("attack", "fighting", r"(?<!years of )(?<!months of )(?<!weeks of )\bfighting\b"),
    ("attack", "targeting", r"\btargeting\b(?!\s+(?:information|data|intelligence))"),
    # weapons used on someone: "cluster munitions against civilians", "used heavy weapons"
    (
        "attack",
        "munitions weapons",
        r"\b(?:munitions|weapons)\s+(?:against|on)\b|\b(?:us(?:e|ed|ing)|deploy\w*|fir(?:ed|ing)|dropp?\w*)\s+"
        r"(?:of\s+)?(?:\w+[\s-]+){0,3}?(?:munitions|weapons)\b",
    ),
    # a ship going down: "before sinking", "began to sink"; not "the sinking of"
    ("materiel", "sinking sink", r"(?<!the )(?<!her )(?<!its )\bsinking\b(?!\s+of\b)|\bto sink\b"),
    # reinforcements and supplies kept out, a share of the town held
    (
        "territorial",
        "preventing prevented prevent blocking cut cutting",
        r"\b(?:prevent\w*|block\w*|cut|cutting)\b(?:\s+\w+){0,6}?\s+(?:reinforcements|supply|supplies|routes?|roads?)\b",
    ),
    (
        "territorial",
        "percent per cent half two-thirds third most",
        r"\b(?:\d+\s*(?:percent|per cent|%)|half|two-thirds|a third|most|much)\s+of\s+the\s+"
        r"(?:city|town|village|area)\b",
    ),
    ("territorial", "restored restore restoring", r"\brestor\w*\s+(?:\w+\s+){0,2}?\W?(?:stability|control|order)\b"),
    ("ceasefire", "war", r"\bend(?:ing)? (?:to )?the war\b"),
    ("ceasefire", "peace", r"\bpeace (?:deal|agreement|accord)\b"),
    ("diplomatic", "law", r"\b(?:international|humanitarian) law\b"),
    ("diplomatic", "convention conventions", r"\bconventions?\b"),
    ("diplomatic", "right", r"\bright to\b"),
    ("diplomatic", "crime crimes genocide", r"\bwar crimes?\b|\bgenocide\b"),
    ("diplomatic", "settlement", r"\b(?:peace|political|peaceful) settlement\b"),
    ("diplomatic", "call called calls", r"\bcall(?:ed|s)? for\b"),
    # support given; not "support units", which are troops
    (
        "diplomatic",
        "support",
        r"\bsupport\b(?!\s+(?:units?|troops|vehicles?|ships?|vessels?|staff|personnel|battalions?|companies|company|"
        r"weapons?|aircraft|helicopters?))",
    ),
    ("diplomatic", "war", r"\b(?:grounds?|reason|pretext|justification|cause)\s+for\s+(?:a\s+)?war\b|\bact of war\b"),
    (
        "diplomatic",
        "security",
        r"\bsecurity\s+(?:council|guarantees?|assurances|cooperation|zone|pact|arrangements?)\b",
    ),
    # an observer or diplomatic mission, not a ship's or a unit's
    (
        "diplomatic",
        "mission missions",
        r"\b(?:(?-i:[A-Z])\w*|observer|monitoring|peacekeeping|diplomatic|fact-finding|mediation)\s+missions?\b",
    ),
    # a third party's help to a belligerent: intelligence, arms, aid given
    (
        "diplomatic",
        "gave give gives given giving provided provide provides providing provision supplied supply supplying",
        r"\b(?:gave|giv\w*|provi\w+|suppl(?:ied|y|ying))\b(?:\s+\S+){0,4}?\s+\W?(?:intelligence|weapons|arms|"
        r"aid|ammunition)\b",
    ),
)
# A halt of fighting, whatever is halted: "a halt to attacks on X" is a
# ceasefire, not an attack; "announced a unilateral halt" too.
_HALT_QUALITIES = r"(?:unilateral|temporary|immediate|complete|humanitarian)\s+"
HALTS = re.compile(
    rf"\b(?:{_HALT_QUALITIES})?(?:halt(?:s|ed|ing)?|suspen(?:sion|ded|ding)|cessation|pause[sd]?)\s+"
    r"(?:(?:of|to|in|on|its|their|all|the)\s+)*(?:\w+\s+)?(?:operations|fighting|hostilities|strikes|attacks|"
    r"offensives?|shelling|fire|bombing|military action|combat|bombardment)\b|"
    rf"\b{_HALT_QUALITIES}(?:halt|pause|suspension)\b",
    re.IGNORECASE,
)
HALT_WORDS = ("halt", "suspen", "cessation", "pause")
# Words that may open a clause about intentions (see MODAL_CLAUSE).
MODAL_WORDS = frozenset(
    words(
        """
        would will could might may shall intends intend plans plan threaten threatens
        threatened vows vow right ready prepared willing going
        """
    )
)

# A clause about what someone would or will do states no event: drop it
# before looking for event words ("systems would be targeted").
MODAL_CLAUSE = re.compile(
    r"\b(?:(?:would|will|could|might|may|shall)(?!\s+(?:\w+ly\s+|also\s+|not\s+)?have\b)|"
    r"intends? to|plans? to|threaten(?:s|ed)? to|going to|"
    r"vows? to|right to|ready to|prepared to|willing to)\b"
    r"(?:(?! and (?:was|were|is|are|has|had|have)\b)[^,;])*"
)

# --- dates and times --------------------------------------------------------

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
}
# Relative day expressions and their offsets.
RELATIVE_DAYS = {
    "the following day": 1,
    "the next day": 1,
    "the day after": 1,
    "next day": 1,
    "the previous day": -1,
    "the day before": -1,
    "a day earlier": -1,
    "the preceding day": -1,
    "the previous night": -1,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
# What "the third day of the ..." counts the days of.
FIGHTING_SPELLS = ("battle", "fighting", "offensive", "siege", "assault", "operation", "campaign", "war", "clashes")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NOON_WORDS = ("midday", "mid-day", "noon")
# Zones that mark a clock time as not local: "(04:10 GMT)".
FOREIGN_ZONES = ("gmt", "utc", "moscow time", "cet", "est", "zulu")

# --- sentences --------------------------------------------------------------

ABBREVIATIONS = frozenset(
    words(
        """
        mr mrs ms dr prof gen lt col maj capt sgt cpl pte adm cmdr brig gov sen rep st
        mt ft no nos vs etc e.g i.e u.s u.k u.n cf approx est jan feb mar apr jun jul
        aug sep sept oct nov dec inc ltd co corp dept univ fig al jr sr vol pp p op gen.
        rev hon pres
        """
    )
)

# --- locations --------------------------------------------------------------

LOCATION_PREPOSITIONS = frozenset(
    words(
        """
        in near at on around towards toward of from into to over across outside inside
        within between along via through beyond behind onto upon
        """
    )
)
# Suffixes stripped from place names ("Ostra District" -> "Ostra").
PLACE_SUFFIXES = frozenset(
    words(
        """
        district districts province provinces region regions oblast oblasts raion rayon
        governorate governorates county counties municipality prefecture canton
        """
    )
)
# Capitalised words that end a demonym or adjective rather than a place.
DEMONYM_ENDINGS = ("ian", "ani", "ish", "ese", "ean", "ic", "i", "ean", "an")
