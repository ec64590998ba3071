"""Stage 2a: attribution cues in one sentence, each with its source and content start.

Cues are found token by token: reporting verbs (any tense, participles,
passives), "according to", "released footage showing", "issued a denial",
"denied by X", and the adverb "allegedly" (an allegation of the source in
context; "reportedly" is the narrator's hedge and names no one). Each cue gets the
source written next to it, or is marked as sharing the subject of an earlier
clause; where its content ends is decided when the sentence's attributions
are put together (see attributions.py).

A cue may also follow its content, as wire copy has it: "X happened, the
governor said", '"...," he told Reuters', "..., said the ministry", "Y,
according to X". The clause before the source is then the claim, or the
whole clause when it carries on after a parenthetical cue ("Russian forces,
the governor said, shelled the town").
"""

from dataclasses import dataclass

from . import content as shape
from .lexicon import (
    ACCUSE_STEMS,
    ADVERBS,
    ASSERT_VERBS,
    AUXILIARIES,
    CLAUSE_WORDS,
    CONFIRM_VERBS,
    DENY_VERBS,
    DISMISSALS,
    IRREGULAR_PAST,
    MEDIA_NOUNS,
    MEDIA_VERBS,
    MONTHS,
    NEEDS_THAT,
    PASSIVE_AUX,
    PERFORMATIVE_OBJECTS,
    PERSON_WORDS,
    PRONOUNS,
    SOURCE_WORDS,
    WEEKDAYS,
    words,
)
from .tokens import (
    END,
    LOWER,
    START,
    TEXT,
    Token,
    capitalized,
    has_content_word,
    is_name_word,
    is_word,
    np_word,
    walk_np_left,
    walk_np_right,
    walk_source_right,
)

ASSERT, DENY, CONFIRM = "assert", "deny", "confirm"
# The kind of a negated cue ("did not report"): it bounds the content before it and claims nothing.
NEGATED = "negated"


def _forms() -> dict[str, tuple[str, str, bool]]:
    table = {}
    for groups, stance in ((ASSERT_VERBS, ASSERT), (DENY_VERBS, DENY), (CONFIRM_VERBS, CONFIRM)):
        for stem, forms in groups.items():
            for form in forms:
                table[form] = (stem, stance, form.endswith("ing"))
    return table


CUE_FORMS = _forms()
_MEDIA_VERBS = frozenset(MEDIA_VERBS.split("|"))
_MEDIA_NOUNS = frozenset(MEDIA_NOUNS.split("|"))
_ISSUE = frozenset({"issued", "issues", "issue", "issuing"})
_CONTEXT_ADVERBS = frozenset({"allegedly"})
_MAKE = frozenset({"made", "makes", "make"})
_CALL = frozenset({"called", "calls", "call"})
_CALL_FOR = frozenset({"for", "on", "upon", "off", "in", "up"})
CUE_WORDS = frozenset({"according", "witnessed", *CUE_FORMS, *_MEDIA_VERBS, *_ISSUE, *_CONTEXT_ADVERBS, *_MAKE, *_CALL})
# What a sentence must hold to be worth tokenizing: the cue words, but "made"
# and "called" (common words) only in the phrases that make them cues.
CUE_TRIGGERS = (
    (CUE_WORDS - _MAKE - _CALL)
    | frozenset(f"{verb} it clear" for verb in _MAKE)
    | frozenset(f"{verb} {article} case" for verb in _MAKE for article in ("a", "the"))
    | frozenset(f"{verb} {pronoun}" for verb in _CALL for pronoun in ("it", "this", "that"))
)
_NOUN_MARKERS = frozenset(
    ["the", "a", "an", "its", "their", "his", "her", "these", "those", "this", "such", "any", "no", "our", "your"]
)
_THAT_BRIDGE = frozenset(
    words(
        """
        via on in at to through during from after before over by earlier later today
        yesterday again officially publicly repeatedly reporters journalists soon shortly
        """
    )
)
_SPEAKERS = PERSON_WORDS | {"official", "officials", "source", "sources", "representative", "spokesperson"}
PREPOSITIONS = frozenset(["from", "in", "at", "on", "for", "to", "with", "by", "near", "into"])
_BRIDGE_WORDS = frozenset(
    words(
        """
        the a an his her its their our page account statement statements interview
        channel conference briefing press media social official website television tv
        radio morning evening afternoon night day week message post video address speech
        reporters journalists
        """
    )
)
_NOT_BRIDGE_NOUNS = frozenset(words("and or but not no also then said says"))
_CLOSING_QUOTES = frozenset({'"', "\u201d", "'", "\u2019"})
_CONTENT_OPENERS = frozenset({"that", "it", "they", "he", "she", "we", ":", "\u2014", '"', "\u201c"})
_BOUNDARIES = frozenset({".", ",", ";", "!", "?"})
_WEEKDAY_NAMES = frozenset(WEEKDAYS)
# Words that open a tail after a cue: "said on Friday", "said in a statement".
_TAIL_OPENERS = frozenset(
    words(
        """
        on in at late early yesterday today tonight earlier later last this via through
        during after from overnight again also separately publicly by with citing
        """
    )
)
_LABELS = frozenset(words("claim accusation allegation charge assertion report statement version account"))
_REPORT_NOUNS = frozenset(words("report reports analysis assessment study statement investigation estimate"))
_PARTICIPLE_LINKS = frozenset({"by", "to", "from", "in", "at", "on", "with", "for", "near", "inside"})
_TITLE_BREAKS = frozenset({"in", "on", "at", "to", "with", "from", "over", "into"})
_NAME_JOINERS = frozenset({"of", "for", "the", "and", "de", "la", "&"})
_CONTRASTS = frozenset({"while", "whereas", "whilst", "but", "although", "though"})
# Words after "..., X said," that open a clause of another kind.
_CLAUSE_LINKS = _CONTRASTS | frozenset(words("and or as after before since which who where when according"))
_MEDIA_HEDGES = frozenset({"apparently", "purportedly", "allegedly", "reportedly", "supposedly"})
_SHOW = frozenset({"showing", "show", "shows", "showed", "depicting", "depicts"})
# Words between a subject and its verb: "has also", "was later".
_BEFORE_VERB = ADVERBS | AUXILIARIES
_MAX_SUBJECT = 12
# Prepositions that open a phrase after a source's head ("an activist inside the city").
_POST_MODIFIER_OPENERS = frozenset(words("in inside from within at near outside on"))
_MAX_POST_MODIFIER = 8
_MAX_RELATIVE = 30
_OUTLET_WORDS = frozenset(
    words("channel channels newspaper newspapers outlet outlets agency broadcaster media tv television website")
)
# "according to their information", "according to him": the source just named.
_POSSESSIVES = frozenset(words("their its his her him them"))
_QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d"})
_RELATIVES = frozenset(words("which where whom"))
_SUBJECT_PRONOUNS = frozenset({"they", "it", "he", "she", "we"})
_NEGATIONS = frozenset({"not", "never", "unable", "neither", "nor", "no"})
_DATE_PARTS = frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset({"morning", "evening", "afternoon", "night"})


# Built by the thousand: pass the leading fields by position and set the rest
# afterwards, since keyword arguments to a class call go through a dict.
@dataclass(slots=True)
class Attribution:
    kind: str  # verb | according | agent | opponent | context | negated
    stance: str
    cue: int  # token index of the cue word
    source: tuple[int, int] | None = None  # char span of the mention
    shared: bool = False  # subject of an earlier clause
    shared_from: int | None = None  # index of that earlier attribution
    shared_with: "Attribution | None" = None  # the same, kept through merges
    region: int = 0  # where the preceding content has to stop
    content_start: int = 0
    content_end: int = -1  # -1 until bounded
    quote_start: int | None = None  # whole-clause quotes (denials, confirmations)
    fixed: bool = False  # content end known when found
    participle: bool = False
    anaphoric: bool = False
    media: bool = False
    lead: tuple[int, int] | None = None  # stripped time phrase, for dating
    has_that: bool = False  # a "that"-clause follows the cue
    stem: str = ""  # the reporting verb, when there is one
    locations: tuple[str, ...] | None = None  # filled in once per attribution

    @property
    def quote(self) -> tuple[int, int]:
        start = self.content_start if self.quote_start is None else self.quote_start
        return start, self.content_end


def match_cue(sentence: str, tokens: list[Token], i: int, token: Token):
    lower = token[LOWER]
    if lower == "according" and _next(tokens, i, 1) == "to":
        return _according(sentence, tokens, i)
    if lower in _ISSUE:
        return _issued(tokens, i)
    if lower in _MEDIA_VERBS:
        return _media(tokens, i) or _colon_statement(sentence, tokens, i) or _media_subject(sentence, tokens, i)
    if lower in _CONTEXT_ADVERBS:
        return Attribution("context", ASSERT, i)
    if lower == "witnessed" and _next(tokens, i, 1) == "by":
        return _agents(tokens, i, CONFIRM)
    cue = CUE_FORMS.get(lower)
    if cue is not None and (i == 0 or not capitalized(token)):
        return _verb(sentence, tokens, i, *cue)
    if lower in _MAKE and _next(tokens, i, 1) == "it" and _next(tokens, i, 2) == "clear":
        return _verb(sentence, tokens, i, "clarify", ASSERT, False)  # "made it clear that"
    if lower in _MAKE and _next(tokens, i, 1) in ("a", "the") and _next(tokens, i, 2) == "case":
        return _verb(sentence, tokens, i, "case", ASSERT, False)  # "makes a case that"
    if lower in _CALL and _next(tokens, i, 1) in ("it", "this", "that") and _next(tokens, i, 2) not in _CALL_FOR:
        return _verb(sentence, tokens, i, "describe", ASSERT, False)  # "called it a cynical attempt"
    return None


def _next(tokens: list[Token], i: int, step: int) -> str:
    k = i + step
    return tokens[k][LOWER] if 0 <= k < len(tokens) else ""


# --- reporting verbs ----------------------------------------------------------


def _verb(sentence: str, tokens: list[Token], i: int, stem: str, stance: str, participle: bool):
    if stem == "consider" and _dismisses(tokens, i + 1):
        stance = DENY  # "considered this unlikely"
    if stance == DENY or not _negated(tokens, i):
        return _verb_shape(sentence, tokens, i, stem, stance, participle)
    if stance == CONFIRM:
        return None  # "did not confirm the death", "which was not confirmed": no confirmation
    # "said that the crew was rescued, and did not report any casualties": no
    # claim of casualties, but the cue still ends the content before it.
    found = _verb_shape(sentence, tokens, i, stem, stance, participle)
    if isinstance(found, Attribution):
        found.kind = NEGATED
    return found if isinstance(found, Attribution) else None


def _verb_shape(sentence: str, tokens: list[Token], i: int, stem: str, stance: str, participle: bool):
    j, passive = _skip_auxiliaries(tokens, i - 1)
    j = _skip_dated(tokens, j)
    following = _next(tokens, i, 1)
    if j >= 0 and tokens[j][LOWER] in _NOUN_MARKERS and not passive:
        # "the claim", "its statements": a noun, not a cue, unless it labels
        # the clause before: "..., in a claim made two days later by officials"
        return _labelled_by(sentence, tokens, i) if stance == ASSERT else None
    if following == "of" and stem not in ACCUSE_STEMS and stem != "warn":
        return None  # "reports of", "claims of"; but "warned of a massacre if ..."
    if following == "by" and stance == ASSERT and _next(tokens, i, -1) == "as" and _next(tokens, i, -2) == ",":
        return _as_reported_by(sentence, tokens, i)
    if following == "by" and stance != ASSERT:
        return _agents(tokens, i, stance)
    if passive and following == "by" and stance == ASSERT:
        return _reported_by(sentence, tokens, i, j)
    if passive:
        return _passive(tokens, i, j, stance)
    closing = _closes_clause(tokens, j + 1) if stance == ASSERT and not participle else None
    if closing is not None:
        inverted = _right_source(tokens, i)
        made = _after_content(sentence, tokens, i, inverted, stem, closing, False) if inverted else None
        if made is not None:
            return made  # "..., said the governor"
    source, shared = _left_source(tokens, i, j, participle)
    if source is None and not shared:
        return None
    closing = _closes_clause(tokens, source[0]) if stance == ASSERT and source is not None else None
    if closing is not None:
        tail = _tail_end(tokens, _past_addressee(tokens, i + 1, stem))
        shape_after = _after_kind(tokens, tail) if tail is not None else "after"
        if shape_after != "after":
            made = _after_content(sentence, tokens, i, source, stem, closing, shape_after == "whole")
            if made is not None:
                return made  # "..., the governor said"
    start = _content_index(tokens, i + 1, stem)
    if start is None:
        return None
    has_that = start > 0 and tokens[start - 1][LOWER] in ("that", "have")
    if participle and not has_that and _next(tokens, start - 1, 1) in PREPOSITIONS:
        return None  # "a correspondent reporting from the scene"
    attribution = Attribution("verb", stance, i, span_of(tokens, source), shared)
    attribution.has_that, attribution.stem, attribution.participle = has_that, stem, participle
    attribution.content_start = tokens[start][START] if start < len(tokens) else len(sentence)
    if stance != ASSERT:
        attribution.quote_start = attribution.source[0] if attribution.source else tokens[i][START]
        if source is not None and _next(tokens, source[0], -1) == "which":
            attribution.anaphoric = True  # "..., which the government denied": the clause before
        if stem == "consider":
            attribution.anaphoric = True
    return attribution


def _negated(tokens: list[Token], i: int) -> bool:
    """A cue verb with "not", "never" or "unable to" among the words before it."""
    for k in range(i - 1, max(-1, i - 5), -1):
        lower = tokens[k][LOWER]
        if lower in _NEGATIONS or lower.endswith("n't"):
            return True
        if lower not in _BEFORE_VERB and lower not in ("to", "be", "independently", "yet", "able", "unable"):
            return False
    return False


def _skip_dated(tokens: list[Token], j: int) -> int:
    """'The governor on 4 May alleged', 'Kyiv on Friday said': a date between
    the subject and its verb belongs to neither."""
    if j < 1 or not (tokens[j][TEXT][:1].isdigit() or tokens[j][LOWER] in _DATE_PARTS):
        return j
    for k in range(j - 1, max(-1, j - 5), -1):
        lower = tokens[k][LOWER]
        if lower in ("on", "late", "early", "earlier", "last"):
            return _skip_auxiliaries(tokens, k - 1)[0]
        if not (tokens[k][TEXT][:1].isdigit() or lower in _DATE_PARTS or tokens[k][TEXT] == ","):
            return j
    return j


def _dismisses(tokens: list[Token], k: int) -> bool:
    """'this unlikely', 'the claim false': a verdict on what was just said."""
    if _next(tokens, k, 0) not in ("this", "it", "that", "these", "such", "the"):
        return False
    return any(_next(tokens, k, step) in DISMISSALS for step in (1, 2, 3))


def _colon_statement(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    """'posted the following: "..."': what follows the colon is the claim."""
    if _next(tokens, i, 1) != "the" or _next(tokens, i, 2) != "following" or _next(tokens, i, 3) != ":":
        return None
    j, _ = _skip_auxiliaries(tokens, i - 1)
    source, shared = _left_source(tokens, i, j, False)
    if source is None and not shared:
        return None
    attribution = Attribution("verb", ASSERT, i, span_of(tokens, source), shared)
    attribution.has_that, attribution.stem = True, "post"
    attribution.content_start = tokens[i + 4][START] if i + 4 < len(tokens) else len(sentence)
    return attribution


def _closes_clause(tokens: list[Token], k: int) -> int | None:
    """The comma or closing quote that ends a clause of at least two words
    right before tokens[k]: "X, the governor said", '"...," he said'."""
    if k < 3:
        return None
    before = tokens[k - 1][TEXT]
    if before in _CLOSING_QUOTES and tokens[k - 2][TEXT] in (",", "?", "!"):
        return k - 1 if k >= 4 else None
    if tokens[k - 1][LOWER] == "as" and tokens[k - 2][TEXT] == "," and k >= 4:
        return k - 2  # "The strike hit the depot, as the mayor said"
    return k - 1 if before == "," else None


def _tail_end(tokens: list[Token], k: int) -> int | None:
    """Index of the boundary ending a tail such as "on Friday" or "in a
    statement" after a cue, or None when a reported clause follows it."""
    n = len(tokens)
    opener = tokens[k] if k < n else None
    weekday = opener is not None and capitalized(opener) and opener[LOWER] in _WEEKDAY_NAMES
    if opener is not None and opener[LOWER] not in _TAIL_OPENERS and not _boundary(opener) and not weekday:
        return None
    for m in range(k, min(n, k + 12)):
        token = tokens[m]
        if _boundary(token):
            return m
        if token[LOWER] in _CONTENT_OPENERS or token[LOWER] in AUXILIARIES:
            return None  # "said on Friday it had ...", "stated: ..."
    return n if n - k < 12 else None


def _past_addressee(tokens: list[Token], k: int, stem: str) -> int:
    """'told Reuters', 'told parliament', 'told reporters': skip who was told."""
    if stem != "tell":
        return k
    stop = walk_np_right(tokens, k, len(tokens))
    if stop == k and k < len(tokens) and tokens[k][LOWER].isalpha():
        stop = k + 1  # a lower-case addressee: "told parliament"
    return stop


def _boundary(token: Token) -> bool:
    return token[TEXT] in _BOUNDARIES


def _right_source(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """The source after an inverted cue ("..., said Ukraine's General Staff."),
    with an appositive that closes the sentence ("said X, the ministry's spokesman")."""
    n = len(tokens)
    stop = walk_np_right(tokens, i + 1, n)
    if stop <= i + 1 or not has_content_word(tokens, i + 1, stop):
        return None
    last = stop - 1
    if (
        tokens[last][LOWER] in _REPORT_NOUNS
        and _next(tokens, stop, 0).endswith("ed")
        and _next(tokens, stop, 1) == "by"
    ):
        # '"...", said a statement issued by the FSA': the statement's author
        first = stop + 2
        stop = walk_source_right(tokens, first, n)
        if stop <= first or not has_content_word(tokens, first, stop):
            return None
        end = _tail_end(tokens, stop)
        return (first, stop - 1) if end is not None and (end >= n or tokens[end][TEXT] in ".!?;") else None
    if stop < n and tokens[stop][TEXT] == ",":
        more = walk_np_right(tokens, stop + 1, n)
        if more > stop + 1 and (more >= n or tokens[more][TEXT] in ".!?"):
            last = more - 1
    end = _tail_end(tokens, last + 1)
    if end is None or (end < n and tokens[end][TEXT] not in ".!?;"):
        return None
    return i + 1, last


def _after_content(sentence, tokens, i, source, stem, closing, whole) -> Attribution | None:
    """A cue that follows its content: the clause before the source is the claim,
    or, when the clause carries on after the cue ("Russian forces, the governor
    said, shelled the town"), the whole clause."""
    closer = tokens[closing]
    end = closer[START] if closer[TEXT] == "," else closer[END]
    begin = _clause_begin(sentence, tokens, closing)
    attribution = Attribution("verb", ASSERT, i, span_of(tokens, source))
    attribution.stem, attribution.has_that = stem, True
    return attribution if _clause_content(sentence, attribution, begin, end, whole) else None


def _clause_content(sentence: str, attribution: Attribution, begin: int, end: int, whole: bool) -> bool:
    """Set the content to the clause text[begin:end] (or on past the cue when
    `whole`); False when the clause is only a time phrase ("Late in the evening,")."""
    if shape.strip_leading(sentence, begin, min(len(sentence), end + 2)) >= end:
        return False
    # No quote_start: the region stays at the cue, so a claim made inside the
    # clause ("X denied Y, according to Z") keeps its own content.
    attribution.content_start = shape.strip_leading(sentence, begin, end)
    attribution.lead = (begin, attribution.content_start)
    if not whole:
        attribution.content_end = end
        attribution.fixed = True
    # else the content runs on past the cue; attributions.py bounds it
    return True


def _after_kind(tokens: list[Token], boundary: int) -> str:
    """What follows a cue that closes a clause, at the boundary after it:
    "end" (the sentence, or a new clause of another kind: ", while ...",
    ", adding ..."), "whole" (the clause carries on: ", shelled the town")
    or "after" (a clause of its own: ", three people were killed")."""
    k = boundary + 1
    if boundary >= len(tokens) or tokens[boundary][TEXT] != "," or k >= len(tokens):
        return "end"
    if _predicate(tokens, k):
        return "whole"
    token = tokens[k]
    if token[LOWER] in _CLAUSE_LINKS or (token[LOWER].endswith("ing") and not capitalized(token)):
        return "end"
    if token[LOWER] in ("a", "an") and _next(tokens, k, 1) in _LABELS:
        return "end"  # ", a claim the rebels rejected" labels the clause before
    return "end" if _tail_end(tokens, k) is not None else "after"


def _predicate(tokens: list[Token], k: int) -> bool:
    """A finite verb, possibly after "and" or an adverb: ', shelled the town'."""
    for m in range(k, min(len(tokens), k + 3)):
        lower = tokens[m][LOWER]
        if capitalized(tokens[m]) or not lower[:1].isalpha():
            return False
        if lower in AUXILIARIES or lower in IRREGULAR_PAST or (lower.endswith("ed") and len(lower) > 4):
            return True
        if lower not in ADVERBS and lower != "and":
            return False
    return False


def _clause_begin(sentence: str, tokens: list[Token], stop: int) -> int:
    """Start of the clause ending at tokens[stop]: after a semicolon, a colon
    or a contrasting ", while"."""
    for k in range(stop - 1, -1, -1):
        token = tokens[k]
        if token[TEXT] in (";", ":") or (token[LOWER] in _CONTRASTS and k > 0 and tokens[k - 1][TEXT] == ","):
            return skip_space(sentence, token[END])
    return 0


def _skip_auxiliaries(tokens: list[Token], j: int) -> tuple[int, bool]:
    passive = False
    while j >= 0 and tokens[j][LOWER] in _BEFORE_VERB:
        if tokens[j][LOWER] in PASSIVE_AUX:
            passive = True
        j -= 1
    return j, passive


def _left_source(tokens, i, j, participle):
    """((first, last) token indices of the source, shares_subject)."""
    if j < 0:
        return None, participle
    word = tokens[j][LOWER]
    if word in ("and", "but", "or") or (word == "," and participle):
        return None, True
    if word == ",":
        return _relative_subject(tokens, j) or _appositive(tokens, j), False
    if word == "who" and j >= 2 and tokens[j - 1][TEXT] == ",":
        return _np(tokens, j - 2), False
    if word in PRONOUNS and word != "who":
        return (j, j), False
    if word != ")" and not np_word(tokens[j]):
        if participle:
            subject = _with_subject(tokens, j)
            return (subject, False) if subject is not None else (None, True)
        reduced = _reduced_relative(tokens, j) or _post_modified(tokens, j)
        return (reduced, False) if reduced is not None else (None, False)
    found = _np(tokens, j)
    if participle and (found is None or _next(tokens, found[0], -1) not in ("with", "without")):
        return None, True  # "criticized X saying": X is the object, not the speaker
    if found is not None and _next(tokens, found[0], -1) == "by":
        found = _modified_head(tokens, found[0] - 1) or found
    return found, False


def _modified_head(tokens: list[Token], by: int) -> tuple[int, int] | None:
    """'Analysts who were consulted by The Guardian confirmed', 'Naval experts
    consulted by the BBC considered': the agent of a phrase that describes the
    source is not the source; the phrase's head is."""
    k = by - 1
    if k < 1 or not tokens[k][LOWER].endswith("ed"):
        return None
    k -= 1
    while k >= 0 and (
        tokens[k][LOWER] in ADVERBS or tokens[k][LOWER] in AUXILIARIES or tokens[k][LOWER].endswith("ly")
    ):
        k -= 1
    if k >= 0 and tokens[k][LOWER] in ("who", "which", "that"):
        k -= 1
    if k < 0 or tokens[k][LOWER] not in SOURCE_WORDS:
        return None
    return _np(tokens, k)


def _reduced_relative(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """'Residents reached by phone said', 'witnesses speaking to Reuters said':
    the source is the phrase before the participle."""
    for k in range(j, max(0, j - 7), -1):
        token = tokens[k]
        if not is_word(token):
            return None
        lower = token[LOWER]
        if (
            lower.endswith(("ed", "ing"))
            and tokens[k - 1][LOWER] in SOURCE_WORDS
            and _next(tokens, k, 1) in _PARTICIPLE_LINKS
        ):
            return _np(tokens, k - 1)
    return None


def _with_subject(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """'denied this with an FSA major claiming ...': the participle has a
    subject of its own, which a name walk stops short of at a lower-case head."""
    for k in range(j - 1, max(-1, j - _MAX_POST_MODIFIER), -1):
        token = tokens[k]
        if token[LOWER] in ("with", "without"):
            return (k + 1, j) if has_content_word(tokens, k + 1, j + 1) else None
        if not is_word(token) or token[LOWER] in CLAUSE_WORDS or token[LOWER] in AUXILIARIES:
            return None
    return None


def _post_modified(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """'an activist inside the city said', 'a spokesman from within the town
    claimed', 'another activist at the end of the day confirmed': a source
    word, then a phrase of place or time that the walk left over lower-case
    words cannot cross. Only lower-case words and names may come between, so
    a clause ("rebels shelled the town and officials said") never does."""
    for k in range(j - 1, max(0, j - _MAX_POST_MODIFIER), -1):
        token = tokens[k]
        if not is_word(token) or token[LOWER] in CLAUSE_WORDS or token[LOWER] in AUXILIARIES:
            return None
        if token[LOWER] in _POST_MODIFIER_OPENERS and tokens[k - 1][LOWER] in SOURCE_WORDS:
            return _np(tokens, k - 1)
    return None


def _np(tokens: list[Token], j: int) -> tuple[int, int] | None:
    if j < 0:
        return None
    first = walk_np_left(tokens, j)
    if first > j or not has_content_word(tokens, first, j + 1):
        return None
    if first >= 2 and tokens[first - 1][TEXT] == "," and _is_name(tokens, first, j):
        head = walk_np_left(tokens, first - 2)
        if head <= first - 2 and _has_source_word(tokens, head, first - 1):
            return head, j
    return first, j


def _relative_subject(tokens: list[Token], comma: int) -> tuple[int, int] | None:
    """'A fighter, who left the battle four days prior but stayed in touch with
    developments, said': the source before a relative clause, however long."""
    for k in range(comma - 1, max(0, comma - _MAX_RELATIVE), -1):
        text = tokens[k][TEXT]
        if text == ",":
            if _next(tokens, k, 1) != "who":
                return None
            found = _np(tokens, k - 1)
            return found if found is not None and _has_source_word(tokens, found[0], found[1] + 1) else None
        if text in (";", ":", '"', "\u201c", "\u201d", "(", ")"):
            return None
    return None


def _appositive(tokens: list[Token], comma: int) -> tuple[int, int] | None:
    """'X, Y, stated': X with a name Y after it, or X alone after a description."""
    opening = None
    for k in range(comma - 1, max(-1, comma - 16), -1):
        if tokens[k][TEXT] == ",":
            opening = k
            break
        if not is_word(tokens[k]) and tokens[k][TEXT] not in "()-'\"":
            break
    if opening is None:
        return _np(tokens, comma - 1)
    head = _np(tokens, opening - 1)
    if head is None:
        return _np(tokens, comma - 1)
    if _is_name(tokens, opening + 1, comma - 1) and _next(tokens, head[0], -1) in _TITLE_BREAKS:
        # "The Special Rapporteur on ... in Darvan, Maria Oyelaran, said": the
        # title ran past what a name walk covers; the person's name is the source.
        return opening + 1, comma - 1
    if (
        _is_name(tokens, opening + 1, comma - 1)
        or _has_speaker_word(tokens, opening + 1, comma)
        or _is_proper(tokens, opening + 1, comma - 1)
    ):
        return head[0], comma - 1  # "Anton Belic, a spokesman for X," names its source
    return head


def _is_proper(tokens: list[Token], first: int, last: int) -> bool:
    """'the Front for the Liberation of the North (FLN)': a name after its article."""
    if first > last or tokens[first][LOWER] not in ("the", "a", "an"):
        return False
    inner = tokens[first + 1 : last + 1]
    return (
        bool(inner)
        and capitalized(inner[0])
        and all(capitalized(t) or t[LOWER] in _NAME_JOINERS or not is_word(t) for t in inner)
    )


def _is_name(tokens: list[Token], first: int, last: int) -> bool:
    return all(token[TEXT][0].isupper() for token in tokens[first : last + 1])


def _has_speaker_word(tokens: list[Token], first: int, stop: int) -> bool:
    """'a spokesman for X', 'the President of X': a description naming a speaker."""
    return any(t[LOWER] in _SPEAKERS for t in tokens[first:stop])


def _has_source_word(tokens: list[Token], first: int, stop: int) -> bool:
    return any(t[LOWER] in SOURCE_WORDS for t in tokens[first:stop])


def span_of(tokens: list[Token], indices: tuple[int, int] | None) -> tuple[int, int] | None:
    if indices is None:
        return None
    return tokens[indices[0]][START], tokens[indices[1]][END]


def _content_index(tokens: list[Token], k: int, stem: str) -> int | None:
    """Token index where the reported content starts, or None for no claim."""
    n = len(tokens)
    if stem in ACCUSE_STEMS:
        if _skip_reciprocal(tokens, k) != k:
            return k - 1  # "blamed each other for breaches of the truce": the whole predicate
        k = _past_accused(tokens, k)
    if stem in ("clarify", "case"):
        k += 2  # past "it clear", "a case"
        if stem == "case" and _next(tokens, k, 0) != "that":
            return None  # "made the case for a truce" argues for, claims nothing
    if _next(tokens, k, 0) == "to" and _next(tokens, k, 1) == "have":
        return k + 2
    that = _that_ahead(tokens, k, stem)
    if that is not None:
        return that + 1
    if stem == "warn" and _next(tokens, k, 0) == "of":
        return k + 1
    if stem in NEEDS_THAT:
        if _next(tokens, k, 0) in _SUBJECT_PRONOUNS:
            return k  # "warned they would strike the capital"
        return _colon_ahead(tokens, k)
    if k < n and tokens[k][TEXT] in (",", ":"):
        k += 1
    if stem in ("announce", "declare") and k < n:
        rest = " ".join(t[LOWER] for t in tokens[k : k + 5])
        if PERFORMATIVE_OBJECTS.match(rest):
            return None
    return k


def _colon_ahead(tokens: list[Token], k: int) -> int | None:
    """'wrote to The Guardian: "..."', 'told reporters: "..."': the quotation after the colon."""
    for m in range(k, min(len(tokens) - 1, k + 8)):
        text = tokens[m][TEXT]
        if text == ":":
            return m + 1 if tokens[m + 1][TEXT] in ('"', "\u201c") else None
        if text in (".", ";", ",", "that"):
            return None
    return None


def _past_accused(tokens: list[Token], k: int) -> int:
    """'accused Kyiv of staging the killings': the charge starts after the
    accused party and its "of"/"for" ("the Ministry of Defence" is a name)."""
    for m in range(k + 1, min(len(tokens) - 1, k + 10)):
        token = tokens[m]
        if token[LOWER] in ("of", "for") and not capitalized(tokens[m + 1]):
            return m + 1
        if not is_word(token) and token[TEXT] not in ("'", "\u2019", "-"):
            return k
        lower = token[LOWER]
        if lower in CLAUSE_WORDS or lower in PREPOSITIONS or lower.endswith("ing") or lower == "and":
            return k  # "accusing X of bombing areas in defiance of a pact"
    return k


def _skip_reciprocal(tokens: list[Token], k: int) -> int:
    pair = (_next(tokens, k, 0), _next(tokens, k, 1))
    if pair in (("each", "other"), ("one", "another"), ("the", "other")):
        k += 2
        if _next(tokens, k, 0) in ("of", "for"):
            k += 1
    return k


def _that_ahead(tokens: list[Token], k: int, stem: str) -> int | None:
    """'claimed via Twitter at 08:03 that', 'wrote on his Facebook page that'."""
    if _next(tokens, k, 0) == "that":
        return k
    if stem == "tell":
        told = _past_addressee(tokens, k, stem)  # "told the journalist that"
        if told > k and _next(tokens, told, 0) == "that":
            return told
    if k >= len(tokens) or (tokens[k][LOWER] not in _THAT_BRIDGE and stem != "tell"):
        return None
    plain = 0  # lower-case words of the phrase: "in the aftermath that"
    for m in range(k + 1, min(len(tokens), k + 10)):
        token = tokens[m]
        if token[LOWER] == "that":
            return m
        if capitalized(token) or token[TEXT][:1].isdigit() or token[LOWER] in _BRIDGE_WORDS:
            continue
        if token[LOWER] in _THAT_BRIDGE:
            continue  # "said soon after the sinking that"
        plain += 1
        if plain > 1 or not _plain_noun(tokens, m):
            return None
    return None


def _plain_noun(tokens: list[Token], m: int) -> bool:
    """A lower-case word that can end a short phrase after a cue ("in the
    aftermath", "soon after the sinking"), not a verb or function word that
    would start a clause."""
    lower = tokens[m][LOWER]
    if not lower.isalpha() or lower in AUXILIARIES or lower in CLAUSE_WORDS or lower in _NOT_BRIDGE_NOUNS:
        return False
    if _next(tokens, m, -1) in _NOUN_MARKERS:
        return not lower.endswith("ly")  # "the sinking" is a noun
    return not lower.endswith(("ed", "ing", "ly"))


def _passive(tokens: list[Token], i: int, j: int, stance: str):
    if stance == ASSERT:
        if _next(tokens, i, 1) == "to" and _next(tokens, i, 2) == "have":
            return Attribution("context", ASSERT, i)
        return None
    if j < 0 or not _anaphoric_subject(tokens, j):
        return None
    if tokens[j][LOWER] == "it" and _next(tokens, i, 1) == "that":
        return None  # "It has been confirmed that X": no answer, and no one named
    attribution = Attribution("opponent", stance, i)
    attribution.fixed = attribution.anaphoric = True
    attribution.quote_start = tokens[_subject_start(tokens, j)][START]
    attribution.content_start = attribution.quote_start
    attribution.content_end = tokens[i][END]
    return attribution


def _reported_by(sentence: str, tokens: list[Token], i: int, j: int) -> Attribution | None:
    """'The fifth raid was reported by the governor': the subject is the claim."""
    first = i + 2
    stop = walk_source_right(tokens, first, len(tokens))
    if stop <= first or not has_content_word(tokens, first, stop) or j < 1:
        return None
    attribution = Attribution("verb", ASSERT, i, (tokens[first][START], tokens[stop - 1][END]))
    attribution.stem, attribution.has_that = "report", True
    begin = _clause_begin(sentence, tokens, j + 1)
    return attribution if _clause_content(sentence, attribution, begin, tokens[j + 1][START], False) else None


def _source_named_from(tokens: list[Token], first: int, cue: int, stem: str) -> Attribution | None:
    """An assertion by the source that starts at token `first` ("by the mayor"), cued at `cue`."""
    stop = walk_source_right(tokens, first, len(tokens))
    if stop <= first or not has_content_word(tokens, first, stop):
        return None
    attribution = Attribution("verb", ASSERT, cue, (tokens[first][START], tokens[stop - 1][END]))
    attribution.stem, attribution.has_that = stem, True
    return attribution


def _as_reported_by(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    """'The strike hit the depot, as stated by the mayor': the clause before
    the comma is the claim; after a relative pronoun ("..., into which forces
    were squeezing fighters, as stated by an officer"), just the relative clause."""
    attribution = _source_named_from(tokens, i + 2, i, "report")
    if attribution is None:
        return None
    comma = i - 2
    begin = _relative_clause_begin(sentence, tokens, comma)
    if begin is None:
        begin = _clause_begin(sentence, tokens, comma)
    return attribution if _clause_content(sentence, attribution, begin, tokens[comma][START], False) else None


def _labelled_by(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    """'The strike hit the depot, in a claim made two days later by officials':
    the clause before the comma is the claim of whoever the label names."""
    if i < 4 or _next(tokens, i, -2) != "in" or tokens[i - 3][TEXT] != ",":
        return None
    for k in range(i + 1, min(len(tokens) - 1, i + 8)):
        if tokens[k][LOWER] == "by":
            attribution = _source_named_from(tokens, k + 1, i, "claim")
            if attribution is None:
                return None
            comma = i - 3
            begin = _clause_begin(sentence, tokens, comma)
            return attribution if _clause_content(sentence, attribution, begin, tokens[comma][START], False) else None
        if not is_word(tokens[k]):
            return None
    return None


def _relative_clause_begin(sentence: str, tokens: list[Token], comma: int) -> int | None:
    """Start of ", which ..." or ", into which ..." right before tokens[comma]."""
    for k in range(comma - 1, 0, -1):
        if tokens[k][TEXT] in (",", ";", ":"):
            after = k + 1
            if _next(tokens, after, 0) in _RELATIVES or _next(tokens, after, 1) in _RELATIVES:
                return skip_space(sentence, tokens[k][END])
            return None
    return None


def _anaphoric_subject(tokens: list[Token], j: int) -> bool:
    word = tokens[j][LOWER]
    if word in ("this", "it", "that", "which", "these", "those"):
        return True
    return word in ("claim", "claims", "report", "reports", "allegation", "allegations")


def _subject_start(tokens: list[Token], j: int) -> int:
    if j >= 1 and tokens[j - 1][LOWER] in ("the", "this", "these", "such"):
        return j - 1
    return j


def _agents(tokens: list[Token], i: int, stance: str) -> list[Attribution]:
    """'denied by Northland', 'acknowledged by X as well as by Y'."""
    if stance == CONFIRM and _negated(tokens, i):
        return []
    start = i
    while start > 0 and tokens[start - 1][LOWER] in ADVERBS:
        start -= 1
    out, k, end = [], i + 2, tokens[i][END]
    for _ in range(3):
        stop = walk_source_right(tokens, k, len(tokens))
        if stop <= k or not has_content_word(tokens, k, stop):
            break
        out.append((tokens[k][START], tokens[stop - 1][END]))
        end = tokens[stop - 1][END]
        k = _next_agent(tokens, stop)
        if k is None:
            break
    return [_agent(tokens, i, stance, span, tokens[start][START], end) for span in out]


def _next_agent(tokens: list[Token], k: int) -> int | None:
    for m in range(k, min(len(tokens) - 1, k + 10)):
        if tokens[m][LOWER] == "by" and tokens[m - 1][LOWER] in ("as", "and"):
            return m + 1
        if tokens[m][TEXT] in (";", "."):
            return None
    return None


def _agent(tokens, i, stance, span, start, end) -> Attribution:
    attribution = Attribution("agent", stance, i, span)
    attribution.fixed = attribution.anaphoric = True
    attribution.quote_start = start
    attribution.content_start = start
    attribution.content_end = end
    return attribution


# --- other cue shapes ---------------------------------------------------------


def _according(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    if _next(tokens, i, 2) in _POSSESSIVES:
        return _according_to_own(sentence, tokens, i)
    first = _past_report(tokens, i + 2)
    stop = walk_source_right(tokens, first, len(tokens))
    if stop <= first or not has_content_word(tokens, first, stop):
        return None
    attribution = Attribution("according", ASSERT, i, (tokens[first][START], tokens[stop - 1][END]))
    comma = _comma_after(tokens, stop)
    if i > 0 and tokens[i - 1][TEXT] == ",":  # "Y, according to X" or "Y, according to X, Z"
        after = _after_kind(tokens, comma) if comma is not None else "end"
        if after != "after":
            begin = _clause_begin(sentence, tokens, i - 1)
            if _clause_content(sentence, attribution, begin, tokens[i - 1][START], after == "whole"):
                return attribution
            return None
    if comma is not None:
        after = comma + 1
        if _next(tokens, after, 0) == "that":
            after += 1  # "It was reported, according to X, that ..."
        attribution.content_start = tokens[after][START] if after < len(tokens) else len(sentence)
        return attribution
    return None


def _according_to_own(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    """'And, according to their "preliminary information, the ship was hit',
    'According to him, there were 485 crew on board': the source is the one
    just named, whose words these are (no mention, so the claimant comes from
    context)."""
    for m in range(i + 3, min(len(tokens) - 1, i + 9)):
        text = tokens[m][TEXT]
        if text == ",":
            attribution = Attribution("according", ASSERT, i)
            attribution.content_start = tokens[m + 1][START]
            return attribution
        if not is_word(tokens[m]) and text not in _QUOTE_MARKS:
            return None
    return None


def _past_report(tokens: list[Token], k: int) -> int:
    """'according to a report by X', 'an analysis from X': X is the source."""
    m = k + 1 if _next(tokens, k, 0) in ("a", "an", "the", "its", "their") else k
    if _next(tokens, m, 0) in _REPORT_NOUNS and _next(tokens, m, 1) in ("by", "from", "of"):
        return m + 2
    return k


def _comma_after(tokens: list[Token], k: int) -> int | None:
    for m in range(k, min(len(tokens), k + 8)):
        if tokens[m][TEXT] == ",":
            return m
        if not is_word(tokens[m]):
            return None
    return None


def _issued(tokens: list[Token], i: int) -> Attribution | None:
    k = i + 1
    if _next(tokens, i, 1) in ("a", "an") and _next(tokens, i, 2) in ("denial", "official"):
        k = i + 3 if _next(tokens, i, 2) == "denial" else i + 4
        if _next(tokens, i, 2) == "official" and _next(tokens, i, 3) != "denial":
            return None
    elif _next(tokens, i, 1) == "denials":
        k = i + 2
    else:
        return None
    j, _ = _skip_auxiliaries(tokens, i - 1)
    source, shared = _left_source(tokens, i, j, False)
    if source is None and not shared:
        return None
    attribution = Attribution("verb", DENY, i, span_of(tokens, source), shared)
    attribution.quote_start = attribution.source[0] if attribution.source else tokens[i][START]
    attribution.content_start = tokens[k][START] if k < len(tokens) else tokens[k - 1][END]
    attribution.anaphoric = True
    return attribution


def _media(tokens: list[Token], i: int) -> Attribution | None:
    noun = _media_noun(tokens, i)
    if noun is None:
        return None
    j, _ = _skip_auxiliaries(tokens, i - 1)
    participle = tokens[i][LOWER].endswith("ing")
    source, shared = _left_source(tokens, i, j, participle)
    if source is None and not shared:
        return None
    confirms = any(t[LOWER].startswith(("confirm", "corroborat")) for t in tokens[i + 1 : noun])
    start = _media_content(tokens, noun)
    attribution = Attribution("verb", ASSERT, i, span_of(tokens, source), shared)
    attribution.participle, attribution.media = participle, True
    attribution.content_start = tokens[start][START] if start < len(tokens) else tokens[noun][END]
    if confirms or _is_pronoun_object(tokens, start):
        attribution.stance, attribution.anaphoric = CONFIRM, True
        attribution.quote_start = attribution.source[0] if attribution.source else tokens[i][START]
    return attribution


def _media_subject(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    """'Footage from a state channel showed troops on the ridge', 'Satellite
    images published by a newspaper showed ...': the footage is the subject,
    and whoever it is from or published by is the source (none named, no claim)."""
    if tokens[i][LOWER] not in _SHOW:
        return None
    begin = i - 1
    while begin >= 0 and tokens[begin][TEXT] not in (",", ";", ":", "(") and i - begin <= _MAX_SUBJECT:
        begin -= 1
    nouns = [k for k in range(begin + 1, i) if tokens[k][LOWER] in _MEDIA_NOUNS or tokens[k][LOWER] == "imagery"]
    if not nouns:
        return _outlet_showed(tokens, i)
    source = None
    for k in range(nouns[0] + 1, i):
        if tokens[k][LOWER] in ("from", "by", "of"):
            stop = walk_source_right(tokens, k + 1, i)
            if stop > k + 1 and has_content_word(tokens, k + 1, stop):
                source = (k + 1, stop - 1)
                break
        elif tokens[k][LOWER] in _SUBJECT_PRONOUNS:
            source = (k, k)  # "Imagery they had examined showed"
            break
    if source is None:
        return None
    attribution = Attribution("verb", ASSERT, i, span_of(tokens, source))
    attribution.media, attribution.has_that, attribution.stem = True, True, "show"
    attribution.region = tokens[begin + 1][START]
    attribution.content_start = tokens[i + 1][START] if i + 1 < len(tokens) else tokens[i][END]
    return attribution


def _outlet_showed(tokens: list[Token], i: int) -> Attribution | None:
    """'Weekly Courier later showed the officer alive', 'a state channel
    showed troops on the ridge': an outlet that shows something asserts it.
    Only an outlet's word, or a name of two words or more that shows a thing
    of three words or more, heads the subject: "Fighting showed no sign of
    easing" and "the Liberation Army showed restraint" stay narrative."""
    j, _ = _skip_auxiliaries(tokens, i - 1)
    found = _np(tokens, j) if j >= 0 and np_word(tokens[j]) else None
    if found is None:
        return None
    first, last = found
    if tokens[last][LOWER] not in _OUTLET_WORDS:
        names = sum(1 for t in tokens[first : last + 1] if is_name_word(t))
        shown = 0
        while i + 1 + shown < len(tokens) and is_word(tokens[i + 1 + shown]):
            shown += 1
        if names < 2 or shown < 3:
            return None
    attribution = Attribution("verb", ASSERT, i, span_of(tokens, found))
    attribution.has_that, attribution.stem = True, "show"
    attribution.content_start = tokens[i + 1][START] if i + 1 < len(tokens) else tokens[i][END]
    return attribution


def _media_noun(tokens: list[Token], i: int) -> int | None:
    for k in range(i + 1, min(len(tokens), i + 5)):
        if tokens[k][LOWER] in _MEDIA_NOUNS:
            return k
        if not is_word(tokens[k]):
            return None
    return None


def _media_content(tokens: list[Token], noun: int) -> int:
    k = noun + 1
    while k < len(tokens) and (tokens[k][LOWER] in _MEDIA_HEDGES or tokens[k][TEXT] == ","):
        k += 1
    bridge = [t[LOWER] for t in tokens[k : k + 3]]
    if bridge[:1] and bridge[0] in _SHOW:
        return k + 1
    if bridge[:2] in (["that", "showed"], ["that", "shows"], ["which", "showed"], ["which", "shows"]):
        return k + 2
    if len(bridge) == 3 and bridge[1] == "to" and bridge[2] == "show":
        return k + 3  # "purported to show", "said to show"
    return noun


def _is_pronoun_object(tokens: list[Token], k: int) -> bool:
    if k >= len(tokens) or tokens[k][LOWER] not in ("this", "it", "that", "the same"):
        return False
    return k + 1 >= len(tokens) or not is_word(tokens[k + 1])


def skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
