"""The three file formats: CSV, JSON Lines and ClaimReview (JSON-LD), and reading them back.

A file is `header() + chunk() ... + footer()`. Nothing in it depends on when
or by whom it was made (no timestamps, no dataset number), and rows come in
claim-id order, so the same claims with the same history give the same bytes.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings

from review.exports.reading import (
    CLAIM_TYPE,
    CLAIMANT,
    CONFLICT_SLUG,
    DOCUMENT_ID,
    DOCUMENT_PUBLISHED,
    DOCUMENT_PUBLISHER,
    DOCUMENT_TITLE,
    DOCUMENT_URL,
    EVENT_DATE,
    EXTRACTOR_VERSION,
    ID,
    LOCATIONS,
    MENTION,
    QUOTE,
    RESPONDS_TO,
    REVIEW_STATE,
    SENTENCE,
    SIDE,
    STANCE,
    TAGGER_VERSION,
    TIME,
    VERDICT,
    Chunk,
)

CSV_HEADER = (
    "id",
    "url",
    "verified",
    "document_id",
    "document_title",
    "document_url",
    "sentence",
    "quote",
    "claimant",
    "claimant_mention",
    "side",
    "stance",
    "claim_type",
    "event_date",
    "time",
    "locations",
    "responds_to",
    "review_state",
    "verdict",
    "approved_by",
    "approved_at",
    "rationale",
    "evidence",
    "audit_head",
)
# A spreadsheet runs a cell that starts with one of these as a formula (and
# tab or CR can hide one); such cells get a leading apostrophe. Cells that
# already start with one get another, so the escape can be undone exactly.
FORMULA_STARTS = frozenset("=+-@\t\r'")

# The rating scale of ClaimReview exports: worst 1, best 3.
RATINGS = {
    "denied": (1, "Denied"),
    "unverified": (2, "Unverified"),
    "confirmed": (3, "Confirmed"),
}
WORST_RATING, BEST_RATING = 1, 3
NOT_VERIFIED = "Not verified"
PROPERTY_CLAIM, PROPERTY_AUDIT_HEAD = "claimdesk:claim", "claimdesk:audit-head"

EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "claimreview": "jsonld"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "claimreview": "application/ld+json; charset=utf-8",
}


def escape_cell(value: str) -> str:
    return "'" + value if value[:1] in FORMULA_STARTS else value


def unescape_cell(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def timestamp(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _time(value: datetime.time | None) -> str:
    return value.isoformat(timespec="minutes") if value is not None else ""


class Writer:
    """Turns chunks of claims into text; one per export."""

    def __init__(self, permalink: Callable[[int], str]):
        self.permalink = permalink

    def header(self) -> str:
        return ""

    def chunk(self, chunk: Chunk) -> str:
        raise NotImplementedError

    def footer(self) -> str:
        return ""


class _Lines(list):
    """Rows as the csv module writes them with CRLF, kept with LF endings instead.

    Written with "\r\n", the csv module quotes every cell holding a CR or an LF,
    as PostgreSQL's COPY does; the line ends become LF, as COPY writes them
    (review.exports.copy), so both give the same bytes.
    """

    def write(self, line: str) -> None:
        self.append(line[:-2] + "\n")


def _csv_lines(rows: Iterable[list]) -> str:
    lines = _Lines()
    csv.writer(lines, lineterminator="\r\n").writerows(rows)
    return "".join(lines)


class CsvWriter(Writer):
    """RFC 4180 quoting, lines ended by LF."""

    def header(self) -> str:
        return _csv_lines([CSV_HEADER])

    def chunk(self, chunk: Chunk) -> str:
        return _csv_lines(self._row(row, chunk) for row in chunk.rows)

    def _row(self, row: tuple, chunk: Chunk) -> list:
        claim_id = row[ID]
        approved = chunk.approved(claim_id) if row[VERDICT] else None
        evidence = "\n".join(f"{item[2]} {item[1]}" for item in chunk.evidence.get(claim_id, ()))
        return [
            claim_id,
            self.permalink(claim_id),
            "yes" if approved else "no",
            row[DOCUMENT_ID],
            escape_cell(row[DOCUMENT_TITLE]),
            escape_cell(row[DOCUMENT_URL]),
            escape_cell(row[SENTENCE]),
            escape_cell(row[QUOTE]),
            escape_cell(row[CLAIMANT] or ""),
            escape_cell(row[MENTION]),
            row[SIDE],
            row[STANCE],
            row[CLAIM_TYPE],
            _date(row[EVENT_DATE]),
            _time(row[TIME]),
            escape_cell("; ".join(row[LOCATIONS])),
            row[RESPONDS_TO] or "",
            row[REVIEW_STATE],
            approved[2] if approved else "",
            escape_cell(approved[7] or "") if approved else "",
            timestamp(approved[8]) if approved else "",
            escape_cell(approved[4]) if approved else "",
            escape_cell(evidence),
            chunk.head(claim_id),
        ]


def _line(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _verdict_json(verdict: tuple) -> dict:
    return {
        "id": verdict[1],
        "decision": verdict[2],
        "state": verdict[3],
        "rationale": verdict[4],
        "proposed_by": verdict[5],
        "proposed_at": timestamp(verdict[6]) or None,
        "decided_by": verdict[7],
        "decided_at": timestamp(verdict[8]) or None,
        "decision_note": verdict[9],
    }


def _evidence_json(item: tuple) -> dict:
    return {
        "url": item[1],
        "relation": item[2],
        "outlet": item[3],
        "title": item[4],
        "published": _date(item[5]) or None,
        "accessed": _date(item[6]) or None,
        "independent": item[7],
    }


class JsonLinesWriter(Writer):
    def chunk(self, chunk: Chunk) -> str:
        return "".join(_line(self._record(row, chunk)) + "\n" for row in chunk.rows)

    def _record(self, row: tuple, chunk: Chunk) -> dict:
        claim_id = row[ID]
        approved = chunk.approved(claim_id) if row[VERDICT] else None
        return {
            "id": claim_id,
            "url": self.permalink(claim_id),
            "verified": approved is not None,
            "conflict": row[CONFLICT_SLUG],
            "document": {
                "id": row[DOCUMENT_ID],
                "title": row[DOCUMENT_TITLE],
                "url": row[DOCUMENT_URL],
                "publisher": row[DOCUMENT_PUBLISHER],
                "published_date": _date(row[DOCUMENT_PUBLISHED]) or None,
            },
            "sentence": row[SENTENCE],
            "quote": row[QUOTE],
            "claimant": row[CLAIMANT],
            "claimant_mention": row[MENTION],
            "side": row[SIDE],
            "stance": row[STANCE],
            "claim_type": row[CLAIM_TYPE],
            "event_date": _date(row[EVENT_DATE]) or None,
            "time": _time(row[TIME]) or None,
            "locations": row[LOCATIONS],
            "responds_to": row[RESPONDS_TO],
            "review_state": row[REVIEW_STATE],
            "verdict": approved[2] if approved else None,
            "approved_by": approved[7] if approved else None,
            "approved_at": timestamp(approved[8]) if approved else None,
            "rationale": approved[4] if approved else None,
            "verdicts": [_verdict_json(verdict) for verdict in chunk.verdicts.get(claim_id, ())],
            "evidence": [_evidence_json(item) for item in chunk.evidence.get(claim_id, ())],
            "extractor_version": row[EXTRACTOR_VERSION],
            "tagger_version": row[TAGGER_VERSION],
            "audit_head": chunk.head(claim_id),
        }


# Claimants are Organizations unless their name reads as a person's.
_INSTITUTION_WORDS = (
    "ministry mod mofa office authorities authority army military forces government president presidential "
    "minister ministers prime council committee agency service news tv media press radio gazette times "
    "post journal sources source unit center centre department command staff embassy mission union "
    "nations organization organisation watch red cross"
)
_ORGANISATION_WORDS = frozenset(_INSTITUTION_WORDS.split())


def author_type(name: str) -> str:
    """Person for a name of two to four capitalised words none of which names an institution."""
    words = name.replace("'s", "").split()
    looks_personal = 2 <= len(words) <= 4 and all(word[:1].isupper() and word.isalpha() for word in words)
    if looks_personal and not any(word.lower() in _ORGANISATION_WORDS for word in words):
        return "Person"
    return "Organization"


class ClaimReviewWriter(Writer):
    """A schema.org DataFeed of ClaimReview items, one item a line (so a file can be read back line by line)."""

    def __init__(self, permalink: Callable[[int], str]):
        super().__init__(permalink)
        self.first = True
        self.publisher = {
            "@type": "Organization",
            "name": settings.CLAIMDESK_PUBLISHER_NAME,
            "url": settings.CLAIMDESK_PUBLISHER_URL,
        }

    def header(self) -> str:
        name = f"{self.publisher['name']} claim reviews"
        head = {"@context": "https://schema.org", "@type": "DataFeed", "name": name}
        return _line(head)[:-1] + ',"dataFeedElement":['

    def chunk(self, chunk: Chunk) -> str:
        parts = []
        for row in chunk.rows:
            parts.append(("\n" if self.first else ",\n") + _line(self._review(row, chunk)))
            self.first = False
        return "".join(parts)

    def footer(self) -> str:
        return "\n]}\n"

    def _review(self, row: tuple, chunk: Chunk) -> dict:
        claim_id = row[ID]
        approved = chunk.approved(claim_id) if row[VERDICT] else None
        review = {
            "@type": "ClaimReview",
            "url": self.permalink(claim_id),
            "claimReviewed": row[QUOTE],
            "author": self.publisher,
        }
        if approved:
            value, label = RATINGS[approved[2]]
            review["datePublished"] = _date(approved[8].astimezone(datetime.UTC).date())
            review["reviewBody"] = approved[4]
            review["reviewRating"] = {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": BEST_RATING,
                "worstRating": WORST_RATING,
                "alternateName": label,
                "name": label,
                "ratingExplanation": approved[4],
            }
        else:
            review["reviewRating"] = {"@type": "Rating", "alternateName": NOT_VERIFIED, "name": NOT_VERIFIED}
        review["itemReviewed"] = self._claim(row)
        review["identifier"] = [
            {"@type": "PropertyValue", "propertyID": PROPERTY_CLAIM, "value": str(claim_id)},
            {"@type": "PropertyValue", "propertyID": PROPERTY_AUDIT_HEAD, "value": chunk.head(claim_id)},
        ]
        return review

    def _claim(self, row: tuple) -> dict:
        claim = {"@type": "Claim", "text": row[QUOTE]}
        name = row[CLAIMANT] or row[MENTION]
        if name:
            claim["author"] = {"@type": author_type(name), "name": name}
        made = row[DOCUMENT_PUBLISHED] or row[EVENT_DATE]
        if made is not None:
            claim["datePublished"] = _date(made)
        work = {"@type": "CreativeWork"}
        if row[DOCUMENT_URL]:
            work["url"] = row[DOCUMENT_URL]
        if row[DOCUMENT_TITLE]:
            work["name"] = row[DOCUMENT_TITLE]
        if row[DOCUMENT_PUBLISHER]:
            work["publisher"] = {"@type": "Organization", "name": row[DOCUMENT_PUBLISHER]}
        if row[DOCUMENT_PUBLISHED] is not None:
            work["datePublished"] = _date(row[DOCUMENT_PUBLISHED])
        # Claims are extracted from one document: it is where the claim first and (here) only appears.
        claim["appearance"] = [work]
        claim["firstAppearance"] = work
        return claim


WRITERS = {"csv": CsvWriter, "jsonl": JsonLinesWriter, "claimreview": ClaimReviewWriter}


# --- reading a file back (verify_dataset) ----------------------------------------


def read_rows(format: str, lines: Iterable[str]) -> Iterator[tuple[int, str, str]]:
    """(claim id, verdict in force or "", audit head) for each row of an export file."""
    return {"csv": _csv_rows, "jsonl": _jsonl_rows, "claimreview": _claimreview_rows}[format](lines)


def _csv_rows(lines):
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(header) != CSV_HEADER:
        raise ValueError("the file does not start with claimdesk's CSV header")
    at_id, at_verdict, at_head = (CSV_HEADER.index(name) for name in ("id", "verdict", "audit_head"))
    for row in reader:
        yield int(row[at_id]), row[at_verdict], row[at_head]


def _jsonl_rows(lines):
    for line in lines:
        record = json.loads(line)
        yield record["id"], record["verdict"] or "", record["audit_head"]


_DECISIONS = {label: decision for decision, (_, label) in RATINGS.items()}


def _claimreview_rows(lines):
    lines = iter(lines)
    next(lines, None)  # the DataFeed's opening line
    for line in lines:
        line = line.rstrip("\n")
        if line == "]}":
            return
        review = json.loads(line.removesuffix(","))
        values = {item["propertyID"]: item["value"] for item in review["identifier"]}
        verdict = _DECISIONS.get(review["reviewRating"]["alternateName"], "")
        yield int(values[PROPERTY_CLAIM]), verdict, values[PROPERTY_AUDIT_HEAD]
