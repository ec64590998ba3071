"""Stage 2: attributions in one sentence, as (source, cue, content) spans.

Cues are found token by token: reporting verbs (any tense, participles,
passives), "according to", "released footage showing", "issued a denial",
"denied by X", and the adverbs "allegedly"/"reportedly". Each cue gets the
source written next to it (or shares the subject of an earlier clause), and
its content runs to where the next attribution begins.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass

from . import content as shape
from .lexicon import (
    ACCUSE_STEMS,
    ADVERBS,
    ASSERT_VERBS,
    AUXILIARIES,
    CONFIRM_VERBS,
    DENY_VERBS,
    MEDIA_NOUNS,
    MEDIA_VERBS,
    NEEDS_THAT,
    PASSIVE_AUX,
    PERFORMATIVE_OBJECTS,
    PRONOUNS,
    SOURCE_WORDS,
)
from .tokens import (
    END,
    LOWER,
    START,
    TEXT,
    Token,
    capitalized,
    has_content_word,
    is_word,
    np_word,
    tokenize,
    walk_np_left,
    walk_np_right,
)

ASSERT, DENY, CONFIRM = "assert", "deny", "confirm"


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
_CONTEXT_ADVERBS = frozenset({"allegedly", "reportedly"})
_CUE_WORDS = frozenset(
    {"according", "witnessed", *CUE_FORMS, *_MEDIA_VERBS, *_ISSUE, *_CONTEXT_ADVERBS}
)
_NOUN_MARKERS = frozenset(
    "the a an its their his her these those this such any no our your".split()
)
_OPENERS = frozenset({";", "while", "whereas", "whilst", "although", "though"})
_REGION_GLUE = frozenset(
    {",", ";", ":", "while", "whereas", "whilst", "and", "but", "as", "which", "who", "with"}
)
_THAT_BRIDGE = frozenset(
    """via on in at to through during from after before over by earlier later
    today yesterday again officially publicly repeatedly reporters journalists
    """.split()
)
_PREPOSITIONS = frozenset("from in at on for to with by near into".split())
_BRIDGE_WORDS = frozenset(
    """the a an his her its their our page account statement statements interview
    channel conference briefing press media social official website television tv
    radio morning evening afternoon night day week message post video address
    speech reporters journalists""".split()
)
_APPEAL = re.compile(
    r"(?:(?:its|their|his|her|the|an?)\s+)?(?:appeals?|calls?|demands?|requests?|pleas?)\b(?!\s+(?:that|of)\b)",
    re.IGNORECASE,
)
_APPEAL_OPENERS = ("its ", "their ", "his ", "her ", "the ", "a ", "an ", "appeal", "call", "demand", "request", "plea")
_MEDIA_HEDGES = frozenset({"apparently", "purportedly", "allegedly", "reportedly", "supposedly"})
_SHOW = frozenset({"showing", "show", "shows", "showed", "depicting", "depicts"})
_ANAPHORA = re.compile(
    r"(?:this|that|it|these|those|such|responsibility|any (?:involvement|responsibility)|"
    r"(?:the |each )?other(?:'s|’s)? (?:side(?:'s|’s)? )?(?:claims?|accusations?|allegations?)|"
    r"(?:all |the )?(?:claims?|reports?|allegations?|accusations?|statements?|information|news)"
    r")\b(?!\s+(?:that|of)\b)",
    re.IGNORECASE,
)
_OWN_DENIAL = re.compile(
    r"(?:it|they|he|she|we)\s+(?:has\s+|had\s+|have\s+)?(?:\w+ly\s+)?(?:denied|rejected)\b",
    re.IGNORECASE,
)
# Sentences whose words include no cue word are skipped before tokenizing.
_ASCII_WORD = re.compile(r"[a-z]+")


@dataclass(slots=True)
class Attribution:
    kind: str  # verb | according | agent | opponent | context
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


def find_attributions(sentence: str) -> list[Attribution]:
    """Attributions of `sentence`, in order, with offsets into it."""
    return analyse(sentence)[0]


def analyse(sentence: str) -> tuple[list[Attribution], list[Token]]:
    """Attributions of `sentence` and its tokens (empty when no cue word occurs)."""
    if _CUE_WORDS.isdisjoint(_ASCII_WORD.findall(sentence.lower())):
        return [], []
    tokens = tokenize(sentence)
    return _attributions(sentence, tokens), tokens


def _attributions(sentence: str, tokens: list[Token]) -> list[Attribution]:
    found: list[Attribution] = []
    for i, token in enumerate(tokens):
        if token[LOWER] not in _CUE_WORDS:
            continue
        attribution = _match(sentence, tokens, i, token)
        if attribution is not None:
            found.extend(attribution if isinstance(attribution, list) else [attribution])
    if not found:
        return []
    found = _drop_nested_pronouns(tokens, found)
    _resolve_shared(tokens, found)
    _set_regions(sentence, tokens, found)
    _bound_contents(sentence, found)
    found = _merge_participles(found)
    found = _split_coordinated(sentence, tokens, found)
    return [a for a in _drop_covered(found) if _finish(sentence, a)]


def _match(sentence: str, tokens: list[Token], i: int, token: Token):
    lower = token[LOWER]
    if lower == "according" and _next(tokens, i, 1) == "to":
        return _according(sentence, tokens, i)
    if lower in _ISSUE:
        return _issued(tokens, i)
    if lower in _MEDIA_VERBS:
        return _media(tokens, i)
    if lower in _CONTEXT_ADVERBS:
        return Attribution("context", ASSERT, i, fixed=False)
    if lower == "witnessed" and _next(tokens, i, 1) == "by":
        return _agents(tokens, i, CONFIRM)
    cue = CUE_FORMS.get(lower)
    if cue is not None and (i == 0 or not capitalized(token)):
        return _verb(sentence, tokens, i, *cue)
    return None


def _next(tokens: list[Token], i: int, step: int) -> str:
    k = i + step
    return tokens[k][LOWER] if 0 <= k < len(tokens) else ""


# --- reporting verbs ----------------------------------------------------------


def _verb(sentence: str, tokens: list[Token], i: int, stem: str, stance: str, participle: bool):
    j, passive = _skip_auxiliaries(tokens, i - 1)
    following = _next(tokens, i, 1)
    if j >= 0 and tokens[j][LOWER] in _NOUN_MARKERS and not passive:
        return None  # "the claim", "its statements": a noun, not a cue
    if following == "of" and stem not in ACCUSE_STEMS:
        return None  # "reports of", "claims of"
    if following == "by" and stance != ASSERT:
        return _agents(tokens, i, stance)
    if passive:
        return _passive(tokens, i, j, stance)
    source, shared = _left_source(tokens, i, j, participle)
    if source is None and not shared:
        return None
    start = _content_index(tokens, i + 1, stem)
    if start is None:
        return None
    has_that = start > 0 and tokens[start - 1][LOWER] in ("that", "have")
    if participle and not has_that and _next(tokens, start - 1, 1) in _PREPOSITIONS:
        return None  # "a correspondent reporting from the scene"
    attribution = Attribution("verb", stance, i, participle=participle, shared=shared)
    attribution.has_that, attribution.stem = has_that, stem
    attribution.source = _span(tokens, source)
    attribution.content_start = tokens[start][START] if start < len(tokens) else len(sentence)
    if stance != ASSERT:
        attribution.quote_start = attribution.source[0] if attribution.source else tokens[i][START]
    return attribution


def _skip_auxiliaries(tokens: list[Token], j: int) -> tuple[int, bool]:
    passive = False
    while j >= 0 and (tokens[j][LOWER] in ADVERBS or tokens[j][LOWER] in AUXILIARIES):
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
        return _appositive(tokens, j), False
    if word == "who" and j >= 2 and tokens[j - 1][TEXT] == ",":
        return _np(tokens, j - 2), False
    if word in PRONOUNS and word != "who":
        return (j, j), False
    if word != ")" and not np_word(tokens[j]):
        return None, participle
    found = _np(tokens, j)
    if participle and (found is None or _next(tokens, found[0], -1) not in ("with", "without")):
        return None, True  # "criticized X saying": X is the object, not the speaker
    return found, False


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
    if _is_name(tokens, opening + 1, comma - 1) or _has_source_word(tokens, opening + 1, comma):
        return head[0], comma - 1  # "Anton Belic, a spokesman for X," names its source
    return head


def _is_name(tokens: list[Token], first: int, last: int) -> bool:
    return all(capitalized(t) and is_word(t) for t in tokens[first : last + 1])


def _has_source_word(tokens: list[Token], first: int, stop: int) -> bool:
    return any(t[LOWER] in SOURCE_WORDS for t in tokens[first:stop])


def _span(tokens: list[Token], indices: tuple[int, int] | None) -> tuple[int, int] | None:
    if indices is None:
        return None
    return tokens[indices[0]][START], tokens[indices[1]][END]


def _content_index(tokens: list[Token], k: int, stem: str) -> int | None:
    """Token index where the reported content starts, or None for no claim."""
    n = len(tokens)
    if stem in ACCUSE_STEMS:
        k = _skip_reciprocal(tokens, k)
    if _next(tokens, k, 0) == "to" and _next(tokens, k, 1) == "have":
        return k + 2
    that = _that_ahead(tokens, k, stem)
    if that is not None:
        return that + 1
    if stem in NEEDS_THAT:
        return None
    if k < n and tokens[k][TEXT] in (",", ":"):
        k += 1
    if stem in ("announce", "declare") and k < n:
        rest = " ".join(t[LOWER] for t in tokens[k : k + 5])
        if PERFORMATIVE_OBJECTS.match(rest):
            return None
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
    if k >= len(tokens) or (tokens[k][LOWER] not in _THAT_BRIDGE and stem != "tell"):
        return None
    for m in range(k + 1, min(len(tokens), k + 8)):
        token = tokens[m]
        if token[LOWER] == "that":
            return m
        if not (capitalized(token) or token[TEXT][:1].isdigit() or token[LOWER] in _BRIDGE_WORDS):
            return None
    return None


def _passive(tokens: list[Token], i: int, j: int, stance: str):
    if stance == ASSERT:
        if _next(tokens, i, 1) == "to" and _next(tokens, i, 2) == "have":
            return Attribution("context", ASSERT, i)
        return None
    if j < 0 or not _anaphoric_subject(tokens, j):
        return None
    attribution = Attribution("opponent", stance, i, fixed=True, anaphoric=True)
    attribution.quote_start = tokens[_subject_start(tokens, j)][START]
    attribution.content_start = attribution.quote_start
    attribution.content_end = tokens[i][END]
    return attribution


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
    """'denied by Armenia', 'acknowledged by X as well as by Y'."""
    start = i
    while start > 0 and tokens[start - 1][LOWER] in ADVERBS:
        start -= 1
    out, k, end = [], i + 2, tokens[i][END]
    for _ in range(3):
        stop = walk_np_right(tokens, k, len(tokens))
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
    attribution = Attribution("agent", stance, i, source=span, fixed=True, anaphoric=True)
    attribution.quote_start = start
    attribution.content_start = start
    attribution.content_end = end
    return attribution


# --- other cue shapes ---------------------------------------------------------


def _according(sentence: str, tokens: list[Token], i: int) -> Attribution | None:
    first = i + 2
    stop = walk_np_right(tokens, first, len(tokens))
    if stop <= first or not has_content_word(tokens, first, stop):
        return None
    attribution = Attribution("according", ASSERT, i, source=(tokens[first][START], tokens[stop - 1][END]))
    comma = _comma_after(tokens, stop)
    if comma is not None:
        after = comma + 1
        attribution.content_start = tokens[after][START] if after < len(tokens) else len(sentence)
        return attribution
    return _trailing_according(sentence, tokens, i, attribution)


def _comma_after(tokens: list[Token], k: int) -> int | None:
    for m in range(k, min(len(tokens), k + 8)):
        if tokens[m][TEXT] == ",":
            return m
        if not is_word(tokens[m]):
            return None
    return None


def _trailing_according(sentence, tokens, i, attribution) -> Attribution | None:
    """'Y, according to X.': the content is the clause before."""
    if i == 0 or tokens[i - 1][TEXT] != ",":
        return None
    end = tokens[i - 1][START]
    begin = sentence.rfind(";", 0, end) + 1
    attribution.content_start = shape.strip_leading(sentence, _skip_space(sentence, begin), end)
    attribution.content_end = end
    attribution.lead = (begin, attribution.content_start)
    attribution.fixed = True
    return attribution


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
    attribution = Attribution("verb", DENY, i, source=_span(tokens, source), shared=shared)
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
    attribution = Attribution("verb", ASSERT, i, source=_span(tokens, source), shared=shared)
    attribution.participle, attribution.media = participle, True
    attribution.content_start = tokens[start][START] if start < len(tokens) else tokens[noun][END]
    if confirms or _is_pronoun_object(tokens, start):
        attribution.stance, attribution.anaphoric = CONFIRM, True
        attribution.quote_start = attribution.source[0] if attribution.source else tokens[i][START]
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


# --- putting attributions together --------------------------------------------


def _drop_nested_pronouns(tokens: list[Token], found: list[Attribution]) -> list[Attribution]:
    """'X stated that it had denied Y': the inner cue belongs to X's content."""
    starts = {a.content_start for a in found if a.kind == "verb"}
    out = []
    for attribution in found:
        source = attribution.source
        if source and source[0] in starts and _is_pronoun_span(tokens, source):
            continue
        out.append(attribution)
    return out


def _is_pronoun_span(tokens: list[Token], span: tuple[int, int]) -> bool:
    return any(t[START] == span[0] and t[END] == span[1] and t[LOWER] in PRONOUNS for t in tokens)


def _resolve_shared(tokens: list[Token], found: list[Attribution]) -> None:
    """Give clauses without a written subject the subject they share."""
    for n, attribution in enumerate(found):
        if not attribution.shared:
            continue
        earlier = _same_clause_source(tokens, found, n)
        if earlier is not None:
            attribution.shared_from = earlier
            attribution.shared_with = found[earlier]
            attribution.source = found[earlier].source
            if found[earlier].kind == "opponent":
                _become_opponent(tokens, attribution)
            continue
        opener, subject = _clause_subject(tokens, attribution.cue)
        attribution.source = _span(tokens, subject)
        if opener is not None:
            attribution.region = tokens[opener][START]


def _become_opponent(tokens: list[Token], attribution: Attribution) -> None:
    start = attribution.cue
    while start > 0 and tokens[start - 1][LOWER] in ADVERBS:
        start -= 1
    attribution.kind, attribution.fixed, attribution.anaphoric = "opponent", True, True
    attribution.quote_start = attribution.content_start = tokens[start][START]
    attribution.content_end = tokens[attribution.cue][END]


def _same_clause_source(tokens, found, n) -> int | None:
    cue = found[n].cue
    for m in range(n - 1, -1, -1):
        if found[m].kind == "context":
            continue
        between = tokens[found[m].cue : cue]
        if any(t[LOWER] in _OPENERS for t in between):
            return None
        return m
    return None


def _clause_subject(tokens: list[Token], cue: int):
    """(opener token index or None, subject token span) of the cue's clause.

    A clause with no subject of its own ("..., while affirming X") borrows
    the subject of the clause before it."""
    openers = [k for k in range(cue) if tokens[k][LOWER] in _OPENERS]
    opener = openers[-1] if openers else None
    bounds = [0, *(k + 1 for k in openers), cue]
    for n in range(len(bounds) - 2, -1, -1):
        found = _first_subject(tokens, bounds[n], bounds[n + 1])
        if found is not None:
            return opener, found
    return opener, None


def _first_subject(tokens: list[Token], start: int, stop: int) -> tuple[int, int] | None:
    for k in range(start, stop):
        token = tokens[k]
        if token[LOWER] in SOURCE_WORDS or token[LOWER] in ("it", "they", "he", "she"):
            return _subject_from(tokens, k, stop)
        if np_word(token) and capitalized(token) and token[LOWER] not in ("the", "a", "an"):
            return _subject_from(tokens, k, stop)
    return None


def _subject_from(tokens: list[Token], k: int, cue: int) -> tuple[int, int] | None:
    stop = walk_np_right(tokens, k, cue)
    if stop <= k:
        return (k, k) if tokens[k][LOWER] in ("it", "they", "he", "she") else None
    return k, stop - 1


def _set_regions(sentence: str, tokens: list[Token], found: list[Attribution]) -> None:
    for attribution in found:
        if attribution.shared and attribution.shared_from is None and attribution.region:
            continue
        begin = _own_start(tokens, attribution)
        k = bisect_left(tokens, (begin,))  # tokens are sorted by their start
        while k > 0 and (tokens[k - 1][LOWER] in _REGION_GLUE or tokens[k - 1][LOWER] in ADVERBS):
            k -= 1
        attribution.region = tokens[k][START] if k < len(tokens) else len(sentence)


def _own_start(tokens: list[Token], attribution: Attribution) -> int:
    cue_start = tokens[attribution.cue][START]
    candidates = [cue_start]
    if attribution.quote_start is not None:
        candidates.append(attribution.quote_start)
    if attribution.source and not attribution.shared and attribution.source[0] <= cue_start:
        candidates.append(attribution.source[0])
    if attribution.kind == "context":
        return cue_start
    return min(candidates)


def _bound_contents(sentence: str, found: list[Attribution]) -> None:
    n = len(sentence)
    for idx, attribution in enumerate(found):
        if attribution.kind == "context":
            _context_clause(sentence, found, idx)
            continue
        if attribution.fixed:
            continue
        start = attribution.content_start
        end = n
        for other in found[idx + 1 :]:
            if other.kind != "context":
                # A nested attribution inside this content leaves it empty.
                end = min(end, max(other.region, start))
                break
        end = shape.bound_clause(sentence, start, end)
        if attribution.stance != ASSERT:
            end = shape.bound_answer(sentence, start, end)
        attribution.content_end = shape.cut_source_actions(sentence, start, end)


def _context_clause(sentence: str, found: list[Attribution], idx: int) -> None:
    attribution = found[idx]
    cue_start = attribution.region
    begin = max(sentence.rfind(";", 0, cue_start) + 1, _previous_end(found, idx))
    end = shape.bound_clause(sentence, cue_start, len(sentence))
    for other in found[idx + 1 :]:
        if other.kind != "context" and other.region > cue_start:
            end = min(end, other.region)
            break
    begin = _skip_space(sentence, begin)
    attribution.content_start = shape.strip_leading(sentence, begin, end)
    attribution.lead = (begin, attribution.content_start)
    attribution.quote_start = attribution.content_start
    attribution.content_end = end


def _previous_end(found: list[Attribution], idx: int) -> int:
    ends = [a.content_end for a in found[:idx] if a.kind != "context" and a.content_end >= 0]
    return max(ends, default=0)


def _merge_participles(found: list[Attribution]) -> list[Attribution]:
    """'X issued a denial, stating Y' is one denial, not a denial and a claim."""
    out: list[Attribution] = []
    for attribution in found:
        previous = out[-1] if out else None
        if (
            previous is not None
            and attribution.participle
            and attribution.shared_from is not None
            and (previous.stance == DENY or not attribution.has_that)
            and previous.kind == "verb"
            and attribution.region <= previous.content_end + 2
        ):
            previous.content_end = max(previous.content_end, attribution.content_end)
            continue
        out.append(attribution)
    return out


_AND_THAT = re.compile(r",?\s+and\s+that\s+")
_PAST = frozenset(
    """took struck fled shot hit began lost fought came went held won made ran
    began withdrew overran broke""".split()
)


def _split_coordinated(sentence: str, tokens: list[Token], found: list[Attribution]):
    """'stated that A, and that B' and 'A, and Xs attacked B': two claims."""
    out: list[Attribution] = []
    for attribution in found:
        out.append(attribution)
        if attribution.kind not in ("verb", "according") or attribution.stance != ASSERT:
            continue
        for cut, resume in _coordination_points(sentence, tokens, attribution):
            tail = _copy(attribution, resume)
            attribution.content_end = cut
            out.append(tail)
            attribution = tail
    return out


def _coordination_points(sentence, tokens, attribution) -> list[tuple[int, int]]:
    start, end = attribution.content_start, attribution.content_end
    if sentence.find(" and ", start, end) < 0:
        return []
    points = [(m.start(), m.end()) for m in _AND_THAT.finditer(sentence, start, end)]
    for k in range(bisect_left(tokens, (start + 1,)), len(tokens)):
        token = tokens[k]
        if token[START] >= end:
            break
        if token[LOWER] != "and":
            continue
        if tokens[k - 1][TEXT] == "," and _starts_clause(tokens, k + 1, end):
            points.append((tokens[k - 1][START], tokens[k + 1][START]))
    return sorted(set(points))


def _starts_clause(tokens: list[Token], k: int, end: int) -> bool:
    """A subject and a finite verb follow: 'Azerbaijani forces captured ...'."""
    if k >= len(tokens) or tokens[k][LOWER].endswith("ing") or tokens[k][LOWER] in _PREPOSITIONS:
        return False
    for m in range(k + 1, min(len(tokens), k + 7)):
        token = tokens[m]
        if token[START] >= end or not is_word(token) or token[LOWER] in _PREPOSITIONS:
            return False
        if token[LOWER].endswith("ed") or token[LOWER] in _PAST or token[LOWER] in AUXILIARIES:
            return _subject_like(tokens, k, m)
        if token[LOWER] in ("and", "or"):
            return False
    return False


def _subject_like(tokens: list[Token], k: int, stop: int) -> bool:
    """A subject worth a clause of its own: 'Azerbaijani forces', 'the clashes'."""
    words = [t[LOWER] for t in tokens[k:stop]]
    if words[0] in ("the", "its", "their", "it", "they", "around", "some"):
        return True
    return any(w in SOURCE_WORDS for w in words)


def _copy(attribution: Attribution, start: int) -> Attribution:
    tail = Attribution(attribution.kind, attribution.stance, attribution.cue)
    tail.source, tail.shared, tail.shared_with = attribution.source, True, attribution
    tail.region = tail.content_start = start
    tail.content_end = attribution.content_end
    tail.has_that = True
    return tail


def _drop_covered(found: list[Attribution]) -> list[Attribution]:
    """An 'allegedly' inside another attribution's content adds nothing."""
    spans = [(a.region, a.content_end) for a in found if a.kind != "context"]
    out = []
    for attribution in found:
        if attribution.kind == "context" and _overlaps(attribution, spans):
            continue
        out.append(attribution)
    return out


def _overlaps(attribution: Attribution, spans: list[tuple[int, int]]) -> bool:
    start, end = attribution.content_start, attribution.content_end
    return any(s < end and start < e for s, e in spans)


def _finish(sentence: str, attribution: Attribution) -> bool:
    """Trim the quote; False when nothing is left to claim."""
    if attribution.kind not in ("opponent", "agent", "context") and attribution.lead is None:
        begin = attribution.content_start
        attribution.content_start = shape.strip_leading(sentence, begin, attribution.content_end)
        attribution.lead = (begin, attribution.content_start)
    start, end = shape.trim(sentence, attribution.content_start, attribution.content_end)
    attribution.content_start, attribution.content_end = start, end
    if attribution.quote_start is not None:
        attribution.quote_start = min(attribution.quote_start, start)
        attribution.content_end = shape.trim(sentence, attribution.quote_start, end)[1]
    elif end > start and _OWN_DENIAL.match(sentence, start, end):
        attribution.stance = DENY
    if attribution.stance != ASSERT and (end <= start or (end - start < 40 and _ANAPHORA.match(sentence, start, end))):
        attribution.anaphoric = True
    if attribution.stance == ASSERT and sentence[start:start + 12].lower().startswith(_APPEAL_OPENERS) and _APPEAL.match(sentence, start, end):
        return False  # "reiterated its appeal to both sides"
    if attribution.kind == "according" and _starts_with_preposition(sentence, start, end):
        return False  # a parenthetical "according to X," inside another clause
    quote_start = attribution.quote[0]
    return end > quote_start and (end > start or attribution.quote_start is not None)


def _starts_with_preposition(sentence: str, start: int, end: int) -> bool:
    first = sentence[start:end].split(" ", 1)[0]
    return first in _PREPOSITIONS


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
