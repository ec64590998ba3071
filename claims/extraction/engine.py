"""The pipeline: sentences -> attributions -> claimants -> dates -> types -> links.

`extract` is a pure function of the text, the actor registry and an optional
document date. It walks the document once; only sentences that hold a cue
word get the full analysis, and each claim is linked to the earlier ones as
soon as it is found (linking looks back a bounded number of claims).
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from .attributions import Attribution, analyse, quoted_lead, quoted_sentence
from .calibration import calibrated
from .claimants import Claimant, Resolver
from .classify import classify, stance_confidence
from .dates import DateMention, DateTracker, clock_times
from .links import WINDOW, Answer, link_claim
from .locations import find_locations
from .model import EXTRACTOR_VERSION, ExtractedClaim
from .registry import Registry
from .sentences import sentence_spans
from .tokens import Token, tokenize


@dataclass(slots=True)
class _Draft:
    """A claim while its sentence is worked on."""

    sentence_index: int
    sentence_start: int
    attribution: Attribution
    claimant: Claimant
    event_date: date | None = None
    time: str | None = None


# A claim once it is linked, until the document is done: a tuple of plain
# values, which the garbage collector stops tracking. Objects kept per claim
# to the end of a long document made each full collection walk them all.
# (sentence, sentence start, quote start, quote end, mention, claimant name,
# known, side, stance, claim type, event date, time, locations, responds to,
# type confidence, stance confidence)
_Record = tuple


def extract(text: str, registry: Registry, document_date: date | None = None) -> list[ExtractedClaim]:
    """Claims of `text`, in document order, with offsets into `text`."""
    if not text or text.isspace():
        return []
    spans = sentence_spans(text)
    headings = [text[start:end] for start, end, heading in spans if heading]
    tracker = DateTracker(text, headings, document_date)
    resolver = Resolver(registry)
    _start_lead(tracker, text, spans)
    records: list[_Record] = []
    recent: list[Answer] = []  # the claims linking may still look back to
    previous_claims = True
    previous_end = 0
    quoting: Claimant | None = None  # whose quotation runs on into the next sentence
    speaker: Claimant | None = None  # who made the last claim of the previous sentence, in this paragraph
    for index, (start, end, heading) in enumerate(spans):
        body = text[start:end]
        if heading:
            tracker.on_heading(body)
            continue
        paragraph = text.find("\n", previous_end, start) >= 0
        if paragraph:
            tracker.on_paragraph()
            quoting = speaker = None
        previous_end = end
        found, tokens = analyse(body)
        last_side = recent[-1].side if recent else None
        made = _sentence_drafts(index, start, body, found, resolver, last_side) if found else []
        kept = None  # the speaker this sentence goes on quoting, if any
        if quoting is not None and not made:
            made, tokens = _quoted_on(index, start, body, quoting)
            kept = speaker
        elif quoting is None and speaker is not None:
            made, tokens, kept = _quoted_after(index, start, body, found, made, tokens, speaker)
        quoting = _open_quotation(body, made, quoting)
        speaker = kept or (_as_quoted(made[-1].claimant) if made else None)
        _date_sentence(tracker, body, made, start, paragraph)
        for draft in made:
            answer = _answer(draft, len(records), body, resolver, previous_claims)
            # Places now, while the sentence's tokens are at hand: keeping every
            # sentence's tokens alive until the end made the garbage collector
            # walk them again and again.
            _locate(draft.attribution, answer.content, tokens, registry)
            _link(recent, answer, registry)
            records.append(_record(draft, body, answer))
        previous_claims = bool(made)
        resolver.observe_sentence(body)
    return [_claim(n, record) for n, record in enumerate(records)]


def _start_lead(tracker: DateTracker, text: str, spans) -> None:
    """Tell the tracker about the summary before the first section: the text
    after the title (or from the start, with no title) up to the next heading.
    A line before the title is a byline or a source note, not the lead."""
    headings = [n for n, span in enumerate(spans) if span[2]]
    if not headings:
        return
    first = headings[0]
    begin, end = (first + 1, headings[1] if len(headings) > 1 else None) if first <= 1 else (0, first)
    body = spans[begin:end]
    if end is not None and body and not any(heading for _, _, heading in body):
        tracker.start_lead(text[body[0][0] : body[-1][1]])


# --- claimants ----------------------------------------------------------------


def _sentence_drafts(index, start, body, found, resolver, last_side) -> list[_Draft]:
    """The sentence's claims; `last_side` is the side of the document's last claim so far."""
    made: list[_Draft] = []
    by_attribution: dict[int, list[Claimant]] = {}
    for attribution in found:
        claimants = _claimants(attribution, body, resolver, by_attribution, made, last_side)
        by_attribution[id(attribution)] = claimants
        for claimant in claimants:
            made.append(_Draft(index, start, attribution, claimant))
            resolver.remember(claimant)
    if len(made) > 1:
        made.sort(key=lambda d: d.attribution.quote[0])
    return made


def _quoted_on(index: int, start: int, body: str, speaker: Claimant) -> tuple[list[_Draft], list[Token]]:
    """A sentence inside a quotation that began in an earlier sentence: a
    claim of the quoted speaker, when it says something."""
    found = quoted_sentence(body)
    if found is None:
        return [], []
    return [_Draft(index, start, found, speaker)], tokenize(body)


def _quoted_after(index, start, body, found, made, tokens, speaker) -> tuple[list[_Draft], list, Claimant | None]:
    """A sentence that is all quotation after `speaker`'s statement: its first
    clause is the speaker's claim, before any report the quotation holds. The
    speaker is returned, as the one still quoted, when the clause was theirs."""
    lead = quoted_lead(body, found)
    if lead is None:
        return made, tokens, None
    own = _Draft(index, start, lead, speaker)
    return [own, *made], tokens or tokenize(body), speaker


def _as_quoted(claimant: Claimant) -> Claimant:
    """The claimant as the speaker of words quoted after their statement (no mention of their own)."""
    return Claimant(None, claimant.name, claimant.known, claimant.side, claimant.person, True)


def _open_quotation(body: str, made: list[_Draft], quoting: Claimant | None) -> Claimant | None:
    """The speaker whose quotation is still open after this sentence."""
    straight = body.count('"') % 2 == 1
    curly = body.count("\u201c") - body.count("\u201d")
    if quoting is not None:
        return None if straight or curly < 0 else quoting  # this sentence closes it
    if not made or not (straight or curly > 0):
        return None
    return _as_quoted(made[-1].claimant)


def _claimants(attribution, body, resolver, by_attribution, made, last_side) -> list[Claimant]:
    shared = attribution.shared_with
    if shared is not None and id(shared) in by_attribution:
        return by_attribution[id(shared)]
    if attribution.kind == "opponent":
        side = made[-1].claimant.side if made else last_side
        found = resolver.opponent(side) if side is not None else None
        return [found] if found is not None else []
    if attribution.source is not None:
        start = _widen_to_alias(body, *attribution.source, resolver.registry)
        return resolver.resolve(body[start : attribution.source[1]])
    found = resolver.context()
    return [found] if found is not None else []


def _widen_to_alias(body: str, start: int, end: int, registry: Registry) -> int:
    """A registered name with commas in it ("observers, experts, and journalists")."""
    if body.find(",", max(0, start - 6), start) < 0:
        return start
    found = registry.alias_ending(body, end)
    return start if found is None else min(found, start)


# --- dates and times ----------------------------------------------------------


def _date_sentence(tracker: DateTracker, body: str, made: list[_Draft], offset: int, paragraph: bool) -> None:
    if not (tracker.current or tracker.year):
        return
    if tracker.self_dated:
        _date_self_dated(tracker, body, made, offset, paragraph)
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


def _date_self_dated(tracker: DateTracker, body: str, made: list[_Draft], offset: int, paragraph: bool) -> None:
    """A document without dated headings or dateline: each claim takes a date
    of its own clause, else the date framing its sentence, else the running
    date; only absolute dates framing a sentence move the running date, and
    only as tracker.moves_to allows (relative ones, "The next day", date
    just their sentence)."""
    mentions = _mentions(tracker, body, offset)
    # A dated narrative opening a section sets its scene; a dated report dates itself only.
    opening = [m.value for m in mentions if m.start < 8 and not m.weekday]
    tracker.open_section(opening[0] if opening and not made else None)
    covered = [_claim_span(d.attribution) for d in made]
    frame = [m for m in mentions if not any(a <= m.start < b for a, b in covered)]
    for draft in made:
        own = _own_date(draft.attribution, mentions, relative=True)
        draft.event_date = own or (frame[0].value if frame else tracker.current)
    moving = [m for m in frame if not (m.relative or m.weekday)]
    if moving and tracker.moves_to(moving[0].value, paragraph and moving[0].start < 8):
        tracker.current = moving[0].value
    if made:
        _time_sentence(body, made)


def _mentions(tracker: DateTracker, body: str, offset: int) -> list[DateMention]:
    found = tracker.mentions(body)
    if found and offset < tracker.dateline_span[1]:
        found = [m for m in found if not tracker.in_dateline(offset + m.start)]
    return found


def _claim_span(attribution: Attribution) -> tuple[int, int]:
    lead = attribution.lead[0] if attribution.lead else attribution.content_start
    return min(lead, attribution.content_start), attribution.content_end


def _own_date(attribution: Attribution, mentions: list[DateMention], relative: bool = False) -> date | None:
    """A date in the claim's own leading phrase or content; relative ones in
    the content too when `relative` ("said three soldiers died the previous day")."""
    lead = attribution.lead
    for mention in mentions:
        if lead and lead[0] <= mention.start < lead[1]:
            return mention.value
        inside = attribution.content_start <= mention.start < attribution.content_end
        if inside and (relative or not mention.relative):
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


def _answer(draft: _Draft, index: int, body: str, resolver: Resolver, previous_claims: bool) -> Answer:
    attribution = draft.attribution
    content = body[attribution.content_start : attribution.content_end]
    warning = attribution.stem == "warn"
    claim_type, confidence = classify(content, media=attribution.media, warning=warning)
    # Positional, in Answer's field order: keyword arguments to a class call
    # cost as much again as the whole construction.
    return Answer(
        index,
        draft.sentence_index,
        attribution.stance,
        draft.claimant.name,
        draft.claimant.side,
        content,
        claim_type,
        confidence,
        attribution.anaphoric,
        resolver.previous_sentence,
        previous_claims,
    )


def _link(recent: list[Answer], answer: Answer, registry: Registry) -> None:
    """Link the newest claim to those before it, keeping just as many of them
    as linking looks back to (the rest are done with)."""
    recent.append(answer)
    if len(recent) > WINDOW + 1:
        del recent[0]
    link_claim(recent, len(recent) - 1, registry)


def _record(draft: _Draft, body: str, answer: Answer) -> _Record:
    attribution, claimant = draft.attribution, draft.claimant
    start, end = attribution.quote
    return (
        body,
        draft.sentence_start,
        start,
        end,
        claimant.mention,
        claimant.name,
        claimant.known,
        claimant.side,
        answer.stance,  # linking may find that a flat negation denies a claim
        answer.claim_type,
        draft.event_date,
        draft.time,
        attribution.locations,
        answer.responds_to,
        answer.type_confidence,
        stance_confidence(attribution.kind, attribution.shared),
    )


def _claim(n: int, record: _Record) -> ExtractedClaim:
    body, base, start, end, mention, name, known, side, stance, claim_type = record[:10]
    event_date, time, locations, responds_to, type_conf, stance_conf = record[10:]
    # Positional, in ExtractedClaim's field order.
    return ExtractedClaim(
        n,
        body,
        base,
        body[start:end],
        base + start,
        base + end,
        mention,
        name,
        known,
        side,
        stance,
        claim_type,
        event_date,
        time,
        locations,
        responds_to,
        calibrated(type_conf, stance_conf, stance, claim_type),
        type_conf,
        stance_conf,
        EXTRACTOR_VERSION,
    )


def _locate(attribution: Attribution, content: str, tokens: list[Token], registry: Registry) -> None:
    """Set the places named in the attribution's content (once: "both sides"
    share one attribution)."""
    if attribution.locations is None:
        # Tokens are sorted by offset: the content's are one slice of them.
        first = bisect_left(tokens, (attribution.content_start,))
        stop = bisect_left(tokens, (attribution.content_end,), first)
        if stop > first and tokens[stop - 1][1] > attribution.content_end:
            stop -= 1  # a word the content ends inside of
        attribution.locations = find_locations(content, registry, tokens[first:stop])
