"""Stage 2: attributions in one sentence, as (source, cue, content) spans.

The cues found in a sentence (cues.py) are put together here: clauses without
a subject of their own borrow one, each content runs to where the next
attribution begins, participles that elaborate a denial are merged into it,
"A, and that B" is split into two claims, and quotes are trimmed.
"""

import re
from bisect import bisect_left

from . import content as shape
from .classify import classify
from .cues import (
    ASSERT,
    CUE_TRIGGERS,
    CUE_WORDS,
    DENY,
    NEGATED,
    PREPOSITIONS,
    Attribution,
    match_cue,
    skip_space,
    span_of,
)
from .lexicon import (
    ADVERBS,
    AUXILIARIES,
    IRREGULAR_PAST,
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
    is_word,
    np_word,
    tokenize,
    walk_np_right,
)

_QUOTE_OPENERS = '"\u201c'
# Fewer words than this in a sentence of a quotation that runs on are no claim ("Third time.").
_MIN_QUOTED_WORDS = 4
_EVENT_TYPES = frozenset({"casualties", "materiel", "territorial", "attack", "ceasefire"})
_OPENERS = frozenset({";", "while", "whereas", "whilst", "although", "though"})
_REGION_GLUE = frozenset({",", ";", ":", "while", "whereas", "whilst", "and", "but", "as", "which", "who", "with"})
# What a region takes in to its left: the glue and adverbs ("and later said").
_REGION_LEFT = _REGION_GLUE | ADVERBS
# A negated cue takes in its auxiliary and negation too: ", and initially did not report".
_NEGATED_LEFT = _REGION_LEFT | AUXILIARIES | frozenset({"not", "never", "to", "unable", "able"})
_APPEAL = re.compile(
    r"(?:(?:its|their|his|her|the|an?)\s+)?(?:appeals?|calls?|demands?|requests?|pleas?)\b(?!\s+(?:that|of)\b)",
    re.IGNORECASE,
)
_APPEAL_OPENERS = ("its ", "their ", "his ", "her ", "the ", "a ", "an ", "appeal", "call", "demand", "request", "plea")
_ANAPHORA = re.compile(
    r"(?:this|that|it|these|those|such|responsibility|any (?:involvement|responsibility)|"
    r"(?:the |each )?other(?:'s|\u2019s)? (?:side(?:'s|\u2019s)? )?(?:claims?|accusations?|allegations?)|"
    r"(?:all |the )?(?:claims?|reports?|allegations?|accusations?|assertions?|statements?|information|news)|as\b"
    r")\b(?!\s+(?:that|of)\b)",
    re.IGNORECASE,
)
_OWN_DENIAL = re.compile(
    r"(?:it|they|he|she|we)\s+(?:has\s+|had\s+|have\s+)?(?:\w+ly\s+)?(?:denied|rejected)\b",
    re.IGNORECASE,
)


def _word_trie(vocabulary: frozenset[str]) -> str:
    """A regex alternation of `vocabulary` with shared prefixes factored out
    ("sa(?:id|ys?)"), so that a search tries a few letters per position
    instead of every word."""
    trie: dict = {}
    for word in vocabulary:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else body + "?"

    return pattern(trie)


# Sentences holding no cue word (as a whole run of letters) are skipped before tokenizing.
_CUE = re.compile(rf"(?<![a-z])(?:{_word_trie(CUE_TRIGGERS)})(?![a-z])")


def find_attributions(sentence: str) -> list[Attribution]:
    """Attributions of `sentence`, in order, with offsets into it."""
    return analyse(sentence)[0]


def analyse(sentence: str) -> tuple[list[Attribution], list[Token]]:
    """Attributions of `sentence` and its tokens (empty when no cue word occurs)."""
    low = sentence.lower()
    if _CUE.search(low) is None:
        return [], []
    tokens = tokenize(sentence, low)
    return _attributions(sentence, tokens), tokens


def _attributions(sentence: str, tokens: list[Token]) -> list[Attribution]:
    found: list[Attribution] = []
    for i in [k for k, token in enumerate(tokens) if token[LOWER] in CUE_WORDS]:
        attribution = match_cue(sentence, tokens, i, tokens[i])
        if attribution is not None:
            found.extend(attribution if isinstance(attribution, list) else [attribution])
    if not found:
        return []
    if len(found) > 1:
        found = _drop_nested_pronouns(tokens, found)
    _resolve_shared(tokens, found)
    _set_regions(sentence, tokens, found)
    _bound_contents(sentence, found)
    if len(found) > 1:
        found = _merge_participles(found)
    found = _split_coordinated(sentence, tokens, found)
    return [a for a in _drop_covered(found) if a.kind != NEGATED and _finish(sentence, a)]


# --- putting attributions together --------------------------------------------


def _drop_nested_pronouns(tokens: list[Token], found: list[Attribution]) -> list[Attribution]:
    """'X stated that it had denied Y': the inner cue belongs to X's content."""
    starts = {a.content_start for a in found if a.kind == "verb"}
    out = []
    for attribution in found:
        source = attribution.source
        if source and source[0] in starts and _is_pronounspan_of(tokens, source):
            continue
        out.append(attribution)
    return out


def _is_pronounspan_of(tokens: list[Token], span: tuple[int, int]) -> bool:
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
        attribution.source = span_of(tokens, subject)
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
        left = _NEGATED_LEFT if attribution.kind == NEGATED else _REGION_LEFT
        while k > 0 and tokens[k - 1][LOWER] in left:
            k -= 1
        attribution.region = tokens[k][START] if k < len(tokens) else len(sentence)


def _own_start(tokens: list[Token], attribution: Attribution) -> int:
    """The earliest of the cue, the quote and a source written before the cue."""
    cue_start = tokens[attribution.cue][START]
    if attribution.kind == "context":
        return cue_start
    start = cue_start
    quote_start, source = attribution.quote_start, attribution.source
    if quote_start is not None and quote_start < start:
        start = quote_start
    if source and not attribution.shared and source[0] <= cue_start and source[0] < start:
        start = source[0]
    return start


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
        else:
            end = shape.bound_assertion(sentence, start, end)
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
    begin = skip_space(sentence, begin)
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
# The text of a "," token followed by an "and" token (only A/a, N/n and D/d
# lower-case to a, n and d).
_COMMA_AND = re.compile(r",\s*[Aa][Nn][Dd]")


def _split_coordinated(sentence: str, tokens: list[Token], found: list[Attribution]):
    """'stated that A, and that B' and 'A, and Xs attacked B': two claims."""
    out: list[Attribution] = []
    for attribution in found:
        out.append(attribution)
        if attribution.kind not in ("verb", "according") or attribution.stance != ASSERT:
            continue
        for cut, resume in _coordination_points(sentence, tokens, attribution):
            if not _separate_events(sentence, attribution.content_start, cut, resume, attribution.content_end):
                continue
            tail = _copy(attribution, resume)
            attribution.content_end = cut
            out.append(tail)
            attribution = tail
    return out


def _separate_events(sentence: str, start: int, cut: int, resume: int, end: int) -> bool:
    """'that its units surrounded X, and that clashes continued near Y' is two
    events, so two claims; 'that a fire broke out, and that the ship was
    damaged' tells one story, kept whole: both parts must name an event."""
    first, _ = classify(sentence[start:cut])
    second, _ = classify(sentence[resume:end])
    return first in _EVENT_TYPES and second in _EVENT_TYPES


def _coordination_points(sentence, tokens, attribution) -> list[tuple[int, int]]:
    start, end = attribution.content_start, attribution.content_end
    if sentence.find(" and ", start, end) < 0:
        return []
    points = []
    if sentence.find("that", start, end) >= 0:  # what every ", and that" holds
        points = [(m.start(), m.end()) for m in _AND_THAT.finditer(sentence, start, end)]
    first = bisect_left(tokens, (start + 1,))
    # No ", and" up to the content's last "and" (which may run 2 past its end):
    # no clause to split off, unless the first "and" could pair with the last token.
    if first > 0 and _COMMA_AND.search(sentence, 0, end + 2) is None:
        return sorted(set(points))
    for k in range(first, len(tokens)):
        token = tokens[k]
        if token[START] >= end:
            break
        if token[LOWER] != "and":
            continue
        if tokens[k - 1][TEXT] == "," and _starts_clause(tokens, k + 1, end):
            points.append((tokens[k - 1][START], tokens[k + 1][START]))
    resumes = {}  # ", and that B" is found twice: resume after the "that"
    for cut, resume in points:
        resumes[cut] = max(resume, resumes.get(cut, resume))
    return sorted(resumes.items())


def _starts_clause(tokens: list[Token], k: int, end: int) -> bool:
    """A subject and a finite verb follow: 'Northern forces captured ...'."""
    if k >= len(tokens) or tokens[k][LOWER].endswith("ing") or tokens[k][LOWER] in PREPOSITIONS:
        return False
    for m in range(k + 1, min(len(tokens), k + 7)):
        token = tokens[m]
        if token[START] >= end or not is_word(token) or token[LOWER] in PREPOSITIONS:
            return False
        if token[LOWER].endswith("ed") or token[LOWER] in IRREGULAR_PAST or token[LOWER] in AUXILIARIES:
            return _subject_like(tokens, k, m)
        if token[LOWER] in ("and", "or"):
            return False
    return False


def _subject_like(tokens: list[Token], k: int, stop: int) -> bool:
    """A subject worth a clause of its own: 'Northern forces', 'the clashes'."""
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
    untrimmed = attribution.content_start
    start, end = shape.trim(sentence, untrimmed, attribution.content_end)
    attribution.content_start, attribution.content_end = start, end
    if attribution.quote_start == untrimmed:
        attribution.quote_start = start  # a quote that is just the content: '"...," he said'
    if attribution.quote_start is not None:
        attribution.quote_start = min(attribution.quote_start, start)
        attribution.content_end = shape.trim(sentence, attribution.quote_start, end)[1]
    elif end > start and _OWN_DENIAL.match(sentence, start, end):
        attribution.stance = DENY
    if attribution.stance != ASSERT and (end <= start or (end - start < 40 and _ANAPHORA.match(sentence, start, end))):
        attribution.anaphoric = True
    if (
        attribution.stance == ASSERT
        and sentence[start : start + 12].lower().startswith(_APPEAL_OPENERS)
        and _APPEAL.match(sentence, start, end)
    ):
        return False  # "reiterated its appeal to both sides"
    if attribution.kind == "according" and _starts_with_preposition(sentence, start, end):
        return False  # a parenthetical "according to X," inside another clause
    quote_start = attribution.quote[0]
    return end > quote_start and (end > start or attribution.quote_start is not None)


def _starts_with_preposition(sentence: str, start: int, end: int) -> bool:
    first = sentence[start:end].split(" ", 1)[0]
    return first in PREPOSITIONS


def quoted_sentence(sentence: str, end: int | None = None) -> Attribution | None:
    """The claim of a sentence that carries on a quotation opened before it
    ('"... sank." ... Also, the forces of the ship were diverted.'): the
    sentence (up to `end`) without its quotation marks and leading time
    phrase, when it has a few words to say."""
    attribution = Attribution("quoted", ASSERT, 0)
    end = len(sentence) if end is None else end
    begin = skip_space(sentence, 0)
    while begin < end and sentence[begin] in _QUOTE_OPENERS:
        begin += 1
    content = shape.strip_leading(sentence, begin, end)
    start, end = shape.trim(sentence, content, end)
    if end > start and sentence[end - 1] in '"\u201d':
        end = shape.trim(sentence, start, end - 1)[1]
    if len(sentence[start:end].split()) < _MIN_QUOTED_WORDS:
        return None
    attribution.lead = (begin, start)
    attribution.content_start, attribution.content_end = start, end
    attribution.region = begin
    return attribution


# Where a quoted statement's own clause gives way to a report inside it: ", and at 3 a.m., X reported".
_CLAUSE_BREAK = re.compile(r"(?:,\s*|\s+)(?:and|but|while|whereas)\s+|;\s*")


def quoted_lead(sentence: str, found: list[Attribution]) -> Attribution | None:
    """A sentence that is all quotation, right after a speaker's statement, whose
    first clause the speaker states and whose later ones report others
    ('"A ship evacuated 54 sailors, and at 3 a.m. Turkey reported that it sank."'):
    the claim of that first clause, up to the clause break before the first report."""
    begin = skip_space(sentence, 0)
    if begin >= len(sentence) or sentence[begin] not in _QUOTE_OPENERS:
        return None
    first = min(attribution.region for attribution in found) if found else len(sentence)
    if any(attribution.quote[0] <= begin + 1 for attribution in found):
        return None  # '"We hit the depot," the governor said': the quotation is the report's own
    breaks = [match.start() for match in _CLAUSE_BREAK.finditer(sentence, begin, first)]
    if found and not breaks:
        return None
    return quoted_sentence(sentence, breaks[-1] if found else None)
