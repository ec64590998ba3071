"""Stage 6: which earlier claim a denial or confirmation answers.

A content-less answer ("Northland issued a denial", "footage showing this")
answers the nearest earlier claim from another source, preferring, within
that sentence, one that names the denier (the accusation it rejects). An
answer with content of its own ("denied reports of retaking territory")
answers the recent claim that shares its words or its type (its own side's
only by words; a third party's confirmation only a side's claim), else an
older claim it all but restates, and nothing when none does. A claim that
shares several sources answers the first of them. An assertion that flatly
negates ("none of its ships were in the area") or lowers a figure ("far fewer
than 1,000") denies the claim before it. The answer then takes the type of
the claim it answers.
"""

import re
from dataclasses import dataclass

from .classify import classify
from .lexicon import VERB_BASES, words
from .registry import Registry

# How many earlier claims an answer looks back over: linking claims[n] reads
# nothing before claims[n - WINDOW].
WINDOW = 30
_MAX_SENTENCES = 10
# Words an answer must share with a claim further back than that to answer it.
_RESTATED_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    words(
        """
        that this these those with from into have been were their there which while
        forces said stated reports claims denied denies denial confirmed allegations
        statements also after before would about against them they being other over
        under since during
        """
    )
)
_EQUIPMENT = frozenset(
    words(
        """
        aircraft helicopter helicopters jet jets warplane warplanes plane planes drone drones
        tank tanks vehicle vehicles armoured armored launcher launchers howitzer howitzers
        ship ships vessel vessels boat boats gunboat gunboats frigate submarine submarines
        """
    )
)
_NAME = re.compile(r"[A-Z][\w'\u2019-]+")
# A claim that flatly negates: "none of its ships were in the area", "there were no weapons on board".
_NEGATION = re.compile(
    r"(?:none|no|neither|nobody|nothing)\b|there\s+(?:was|were|had been|have been|is|are)\s+no\b", re.IGNORECASE
)
# A claim that corrects a figure: "the number was far fewer than 1,000" after
# "over 1,000 fighters moved in". It denies only a claim that gave that figure.
_LOWER_FIGURE = re.compile(
    r"\b(?:fewer|less|lower|smaller)\s+than\s+(?:the\s+)?(\d[\d,.]*\d|\d)(?!\s*%)", re.IGNORECASE
)
_EVENT_TYPES = frozenset({"casualties", "materiel", "territorial", "attack", "ceasefire"})
# Types one event may be told as: "the airport was shelled" denies "the airbase was destroyed".
_STRIKE_TYPES = frozenset({"attack", "materiel", "casualties"})
# How far back such a claim looks for the one it negates: the claims of the
# last two sentences that hold any, up to five sentences back (narrative in
# between, "There is no evidence of it.", does not end the exchange).
_CONTRADICTION_SENTENCES = 2
_CONTRADICTION_REACH = 5
_PRONOUN_START = re.compile(r"(?:that\s+)?(?:this|it)\b", re.IGNORECASE)
_HINT = re.compile(
    r"([A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*?)(?:'s|\u2019s)?\s+(?:statements?|claims?|reports?|"
    r"allegations?|accusations?)\b"
)


@dataclass(slots=True)
class Answer:
    """What linking needs to know about one claim."""

    index: int
    sentence: int
    stance: str
    name: str
    side: str
    content: str
    claim_type: str
    type_confidence: float
    anaphoric: bool
    previous_text: str = ""
    previous_has_claims: bool = True
    responds_to: int | None = None
    words: frozenset[str] | None = None


def link(claims: list[Answer], registry: Registry) -> None:
    """Set `responds_to` and inherited types on denials and confirmations."""
    for n in range(len(claims)):
        link_claim(claims, n, registry)


def link_claim(claims: list[Answer], n: int, registry: Registry) -> None:
    """Link claims[n], the earlier claims being linked already. Only the
    WINDOW claims before it are read, so `claims` may be just those and it."""
    claim = claims[n]
    if claim.stance == "assert":
        if _NEGATION.match(claim.content):
            _contradict(claims, n, registry)
        else:
            figure = _LOWER_FIGURE.search(claim.content)
            if figure is not None:
                _contradict(claims, n, registry, figure.group(1))
        return
    target = _target(claims, n, registry)
    if target is None:
        _own_type(claim)
        return
    target = _first_sharing(claims, target, claim)
    claim.responds_to = target.index
    claim.claim_type = target.claim_type
    claim.type_confidence = round(0.9 * target.type_confidence, 3)


def _contradict(claims: list[Answer], n: int, registry: Registry, figure: str | None = None) -> None:
    """'B's navy said none of its ships were in the area', right after 'A said
    it intercepted a submarine': a denial of A's claim, with no denial verb.
    With a `figure` ("far fewer than 1,000"), the claim denied is the one that
    gave that figure, whichever side it came from."""
    claim = claims[n]
    words = _words(claim, registry)
    seen: set[int] = set()
    for other in reversed(claims[max(0, n - WINDOW) : n]):
        if other.sentence != claim.sentence:
            seen.add(other.sentence)
        if len(seen) > _CONTRADICTION_SENTENCES or claim.sentence - other.sentence > _CONTRADICTION_REACH:
            return
        if other.stance != "assert" or other.name == claim.name:
            continue
        if figure is not None:
            opposed = re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,.]*\d)", other.content) is not None
        elif other.side == claim.side and "third_party" not in (claim.side, other.side):
            continue
        elif claim.sentence - other.sentence > _CONTRADICTION_SENTENCES:
            # Further back, a shared name ("al-Qusayr") is not enough: the two
            # must share a word of what happened ("nuclear").
            opposed = bool(_plain_stems(claim.content) & _plain_stems(other.content))
        else:
            opposed = bool(words & _words(other, registry))
        if opposed:
            other = _first_sharing(claims, other, claim)
            claim.stance, claim.responds_to = "deny", other.index
            claim.claim_type = other.claim_type
            claim.type_confidence = round(0.9 * other.type_confidence, 3)
            return


def _first_sharing(claims: list[Answer], target: Answer, answer: Answer) -> Answer:
    """The first of the claims that several sources share ("A and B wrote
    that X"): an answer to X answers that one, unless it is the answerer's own."""
    for other in claims:
        same = other.sentence == target.sentence and other.content == target.content
        if same and other.stance == target.stance and other.name != answer.name:
            return other
    return target


def _target(claims: list[Answer], n: int, registry: Registry) -> Answer | None:
    claim = claims[n]
    recent = [c for c in claims[max(0, n - WINDOW) : n] if _eligible(claim, c)]
    if _pronoun_without_antecedent(claims, n):
        return None
    candidates = [c for c in recent if claim.sentence - c.sentence <= _MAX_SENTENCES]
    hinted = _hinted(claim, recent, registry)
    if hinted is not None:
        candidates = hinted
    if claim.anaphoric:
        return _nearest(claim, candidates, registry) if candidates else None
    own, _ = classify(claim.content)
    found = _best_match(claim, candidates, registry) if candidates else None
    if found is None or not _same_event(own, found):
        found = _restated(claim, recent, registry) if hinted is None else None
    return found if found is not None and _same_event(own, found) else None


def _same_event(own_type: str, target: Answer) -> bool:
    """'confirming that one sailor was killed' answers no claim about ground held."""
    if own_type not in _EVENT_TYPES or own_type == target.claim_type:
        return True
    return {own_type, target.claim_type} <= _STRIKE_TYPES


def _restated(claim: Answer, recent: list[Answer], registry: Registry) -> Answer | None:
    """'once again reaffirmed that government forces had captured the
    municipality building and the city center', a day after the army's claim
    of the centre and its municipality building: an answer with nothing to
    answer nearby answers an older claim that it all but restates."""
    words = _words(claim, registry)
    best, best_overlap = None, _RESTATED_WORDS - 1
    for candidate in reversed(recent):
        overlap = len(words & _words(candidate, registry))
        if overlap > best_overlap:
            best, best_overlap = candidate, overlap
    return best


def _eligible(claim: Answer, other: Answer) -> bool:
    if other.stance != "assert" or other.name == claim.name:
        return False
    if claim.stance == "deny" and "third_party" not in (claim.side, other.side):
        return other.side != claim.side
    if claim.stance == "confirm" and claim.side == "third_party":
        # Observers, media and foreign governments corroborate what a side
        # claims; a news report that photographs were posted is not it.
        return other.side != "third_party"
    return True


def _pronoun_without_antecedent(claims: list[Answer], n: int) -> bool:
    """'denied that this came from its territory' after unsourced narrative."""
    claim = claims[n]
    if not _PRONOUN_START.match(claim.content):
        return False
    same = n > 0 and claims[n - 1].sentence == claim.sentence
    return not same and not claim.previous_has_claims


def _hinted(claim: Answer, candidates: list[Answer], registry: Registry) -> list[Answer] | None:
    """'Northland's statements', 'Southern reports': keep that side's claims."""
    match = _HINT.search(claim.content)
    if match is None:
        return None
    name = match.group(1)
    actor = registry.find_in(name) or registry.stem_actor(name.split()[-1])
    if actor is None:
        return None
    return [c for c in candidates if c.side == actor.side]


def _nearest(claim: Answer, candidates: list[Answer], registry: Registry) -> Answer:
    last = max(c.sentence for c in candidates)
    group = [c for c in candidates if c.sentence == last]
    if claim.stance == "deny":
        named = [c for c in group if _names_side(c.content, claim.side, registry)]
        if named:
            return named[0]
    return group[0] if claim.stance == "deny" else group[-1]


def _names_side(text: str, side: str, registry: Registry) -> bool:
    for word in _NAME.findall(text):
        actor = registry.word_actor(word)
        if actor is not None and actor.side == side:
            return True
    return False


def _best_match(claim: Answer, candidates: list[Answer], registry: Registry) -> Answer | None:
    """Walk back sentence by sentence; take the first that shares words or
    type, unless a claim further back shares more words, and two at least
    ("confirmed the capture of the air base" answers "had captured the air
    base", not the footage of tanks at the base after it)."""
    own_type, _ = classify(claim.content)
    words = _words(claim, registry)
    nearest, nearest_overlap = None, 0
    most, most_overlap = None, 1
    for sentence in sorted({c.sentence for c in candidates}, reverse=True):
        best, best_score, best_overlap = None, 0.0, 0
        for candidate in (c for c in candidates if c.sentence == sentence):
            overlap = len(words & _words(candidate, registry))
            same_type = own_type == candidate.claim_type and own_type != "other"
            score = overlap + (1.5 if same_type else 0.0)
            # Type alone ties an answer to the other side's claim only: rebels
            # "confirming" a siege answer no rebel report of losses.
            if score > best_score and (overlap or candidate.side != claim.side):
                best, best_score, best_overlap = candidate, score, overlap
            if overlap > most_overlap:
                most, most_overlap = candidate, overlap
        if nearest is None and best is not None:
            nearest, nearest_overlap = best, best_overlap
    if most is not None and most_overlap > nearest_overlap:
        return most
    return nearest


def _own_type(claim: Answer) -> None:
    text = claim.content
    if claim.anaphoric or _PRONOUN_START.match(text):
        text = f"{text} {claim.previous_text}" if not claim.previous_has_claims else text
    claim.claim_type, claim.type_confidence = classify(text)


def _words(claim: Answer, registry: Registry) -> frozenset[str]:
    if claim.words is None:
        claim.words = _stems(claim.content, registry)
    return claim.words


def _plain_stems(text: str) -> frozenset[str]:
    """Five-letter stems of the lower-case content words only (of a verb's base)."""
    return frozenset(VERB_BASES.get(w, w)[:5] for w in _WORD.findall(text) if w.islower() and w not in _STOP)


def _stems(text: str, registry: Registry) -> frozenset[str]:
    """Five-letter stems of content words (of a verb's base: "sank", "sunk" -> "sink");
    actor names and demonyms left out."""
    out = set()
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower in _STOP or (word[0].isupper() and registry.word_actor(word) is not None):
            continue
        out.add(VERB_BASES.get(lower, lower)[:5])
        if lower in _EQUIPMENT:
            out.add("#equipment")  # "any aircraft was lost" answers "a helicopter was shot down"
    return frozenset(out)
