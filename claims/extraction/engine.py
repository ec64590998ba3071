"""The pipeline: sentences -> attributions -> claimants -> dates -> types -> links.

`extract` is a pure function of the text, the actor registry and an optional
document date. It walks the document once; only sentences that hold a cue
word get the full analysis.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from .attributions import Attribution, analyse
from .claimants import Claimant, Resolver
from .classify import classify, stance_confidence
from .dates import DateMention, DateTracker, clock_times
from .links import Answer, link
from .locations import find_locations
from .model import EXTRACTOR_VERSION, ExtractedClaim, make_claim
from .registry import Registry
from .sentences import Sentence, split_sentences


@dataclass(slots=True)
class _Draft:
    sentence_index: int
    sentence: Sentence
    attribution: Attribution
    claimant: Claimant
    event_date: date | None = None
    time: str | None = None
    answer: Answer | None = None
    tokens: list | None = None
    body: str = ""  # the sentence's text, shared by its claims


def extract(text: str, registry: Registry, document_date: date | None = None) -> list[ExtractedClaim]:
    """Claims of `text`, in document order, with offsets into `text`."""
    if not text or text.isspace():
        return []
    sentences = split_sentences(text)
    headings = [text[s.start : s.end] for s in sentences if s.heading]
    tracker = DateTracker(text, headings, document_date)
    resolver = Resolver(registry)
    drafts: list[_Draft] = []
    previous_claims = True
    for index, sentence in enumerate(sentences):
        body = text[sentence.start : sentence.end]
        if sentence.heading:
            tracker.on_heading(body)
            continue
        found, tokens = analyse(body)
        made = _sentence_drafts(index, sentence, body, found, resolver, drafts) if found else []
        for draft in made:
            draft.tokens, draft.body = tokens, body
        _date_sentence(tracker, body, made, sentence.start)
        for draft in made:
            draft.answer = _answer(draft, body, resolver, previous_claims)
        drafts.extend(made)
        previous_claims = bool(made)
        resolver.observe_sentence(body)
    return _finalize(text, drafts, registry)


# --- claimants ----------------------------------------------------------------


def _sentence_drafts(index, sentence, body, found, resolver, drafts) -> list[_Draft]:
    made: list[_Draft] = []
    by_attribution: dict[int, list[Claimant]] = {}
    for attribution in found:
        claimants = _claimants(attribution, body, resolver, by_attribution, made, drafts)
        by_attribution[id(attribution)] = claimants
        for claimant in claimants:
            made.append(_Draft(index, sentence, attribution, claimant))
            resolver.remember(claimant)
    made.sort(key=lambda d: d.attribution.quote[0])
    return made


def _claimants(attribution, body, resolver, by_attribution, made, drafts) -> list[Claimant]:
    shared = attribution.shared_with
    if shared is not None and id(shared) in by_attribution:
        return by_attribution[id(shared)]
    if attribution.kind == "opponent":
        target = (made or drafts or [None])[-1]
        found = resolver.opponent(target.claimant.side) if target is not None else None
        return [found] if found is not None else []
    if attribution.source is not None:
        start = _widen_to_alias(body, *attribution.source, resolver.registry)
        return resolver.resolve(body[start : attribution.source[1]])
    found = resolver.context()
    return [found] if found is not None else []


def _widen_to_alias(body: str, start: int, end: int, registry: Registry) -> int:
    """A registered name with commas in it ("observers, experts, and journalists")."""
    if "," not in body[max(0, start - 6) : start]:
        return start
    found = registry.alias_ending(body, end)
    return start if found is None else min(found, start)


# --- dates and times ----------------------------------------------------------


def _date_sentence(tracker: DateTracker, body: str, made: list[_Draft], offset: int) -> None:
    if not (tracker.current or tracker.year):
        return
    if not made:
        # Under dated headings only a date opening the sentence moves the date.
        _advance_plain(tracker, _mentions(tracker, body[:60] if tracker.headed else body, offset))
        return
    mentions = _mentions(tracker, body, offset)
    if not mentions:  # most sentences: every claim takes the running date
        for draft in made:
            draft.event_date = tracker.current
        _time_sentence(body, made)
        return
    covered = [_claim_span(d.attribution) for d in made]
    frame = [m for m in mentions if not any(a <= m.start < b for a, b in covered)]
    for draft in made:
        own = _own_date(draft.attribution, mentions)
        draft.event_date = own or (frame[0].value if frame else tracker.current)
    _advance(tracker, made, frame, mentions)
    _time_sentence(body, made)


def _mentions(tracker: DateTracker, body: str, offset: int) -> list[DateMention]:
    found = tracker.mentions(body)
    if found and offset < tracker.dateline_span[1]:
        found = [m for m in found if not tracker.in_dateline(offset + m.start)]
    return found


def _claim_span(attribution: Attribution) -> tuple[int, int]:
    lead = attribution.lead[0] if attribution.lead else attribution.content_start
    return min(lead, attribution.content_start), attribution.content_end


def _own_date(attribution: Attribution, mentions: list[DateMention]) -> date | None:
    lead = attribution.lead
    for mention in mentions:
        if lead and lead[0] <= mention.start < lead[1]:
            return mention.value
        inside = attribution.content_start <= mention.start < attribution.content_end
        if inside and not mention.relative:
            return mention.value
    return None


def _advance(tracker: DateTracker, made: list[_Draft], frame, mentions) -> None:
    frame = [m for m in frame if not m.weekday]
    if tracker.headed:
        first = min(d.attribution.region for d in made)
        prefix = [m for m in frame if m.start < first]
        if prefix:
            tracker.current = prefix[-1].value
        return
    usable = frame + [m for m in mentions if not (m.relative or m.weekday) and m not in frame]
    if usable:
        tracker.current = max(usable, key=lambda m: m.start).value


def _advance_plain(tracker: DateTracker, mentions: list[DateMention]) -> None:
    mentions = [m for m in mentions if not m.weekday]
    if not mentions:
        return
    if tracker.headed:
        if mentions[0].start < 40:
            tracker.current = mentions[0].value
        return
    tracker.current = mentions[-1].value


def _time_sentence(body: str, made: list[_Draft]) -> None:
    times = clock_times(body)
    if not times:
        return
    first = min(d.attribution.region for d in made)
    prefix = [t for pos, t in times if pos < first]
    for draft in made:
        attribution = draft.attribution
        opening = attribution.lead[0] if attribution.lead else attribution.content_start
        cue_area = [t for pos, t in times if attribution.region <= pos < opening]
        own = [t for pos, t in times if attribution.region <= pos < attribution.content_end]
        if prefix:
            draft.time = cue_area[0] if cue_area else prefix[0]
        else:
            draft.time = own[0] if own else times[0][1]


# --- types, links, output -------------------------------------------------------


def _answer(draft: _Draft, body: str, resolver: Resolver, previous_claims: bool) -> Answer:
    attribution = draft.attribution
    content = body[attribution.content_start : attribution.content_end]
    warning = attribution.stem == "warn"
    claim_type, confidence = classify(content, media=attribution.media, warning=warning)
    return Answer(
        index=-1,
        sentence=draft.sentence_index,
        stance=attribution.stance,
        name=draft.claimant.name,
        side=draft.claimant.side,
        content=content,
        claim_type=claim_type,
        type_confidence=confidence,
        anaphoric=attribution.anaphoric,
        previous_text=resolver.previous_sentence,
        previous_has_claims=previous_claims,
    )


def _finalize(text: str, drafts: list[_Draft], registry: Registry) -> list[ExtractedClaim]:
    answers = [d.answer for d in drafts]
    for n, answer in enumerate(answers):
        answer.index = n
    link(answers, registry)
    return [_claim(text, n, d, registry) for n, d in enumerate(drafts)]


def _claim(text: str, n: int, draft: _Draft, registry: Registry) -> ExtractedClaim:
    sentence, attribution, answer = draft.sentence, draft.attribution, draft.answer
    base = sentence.start
    start, end = attribution.quote
    content = draft.body[attribution.content_start : attribution.content_end]
    stance_conf = stance_confidence(attribution.kind, attribution.shared)
    claimant = draft.claimant
    # Positional, in ExtractedClaim's field order.
    return make_claim(
        n,
        draft.body,
        sentence.start,
        draft.body[start:end],
        base + start,
        base + end,
        claimant.mention,
        claimant.name,
        claimant.known,
        claimant.side,
        attribution.stance,
        answer.claim_type,
        draft.event_date,
        draft.time,
        _locations(draft, content, registry),
        answer.responds_to,
        round(answer.type_confidence * stance_conf, 3),
        answer.type_confidence,
        stance_conf,
        EXTRACTOR_VERSION,
    )


def _locations(draft: _Draft, content: str, registry: Registry) -> tuple[str, ...]:
    attribution = draft.attribution
    if attribution.locations is None:  # shared by the claims of "both sides"
        tokens = draft.tokens or []
        # Tokens are sorted by offset: the content's are one slice of them.
        first = bisect_left(tokens, (attribution.content_start,))
        stop = bisect_left(tokens, (attribution.content_end,), first)
        if stop > first and tokens[stop - 1][1] > attribution.content_end:
            stop -= 1  # a word the content ends inside of
        attribution.locations = find_locations(content, registry, tokens[first:stop])
    return attribution.locations
