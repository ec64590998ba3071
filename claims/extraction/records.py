"""Claims as JSON records in the annotation schema (see the project's SCHEMA)."""

from .model import ExtractedClaim


def claim_id(id_prefix: str, index: int) -> str:
    """`<prefix>-<nnnn>`, 1-based, in document order."""
    return f"{id_prefix}-{index + 1:04d}"


def claim_to_record(claim: ExtractedClaim, *, doc: str, id_prefix: str) -> dict:
    """One claim as a JSON-ready dict: the schema fields plus offsets and confidence."""
    responds_to = None if claim.responds_to is None else claim_id(id_prefix, claim.responds_to)
    return {
        "doc": doc,
        "id": claim_id(id_prefix, claim.index),
        "sentence": claim.sentence,
        "quote": claim.quote,
        "claimant_mention": claim.claimant_mention,
        "claimant": claim.claimant,
        "side": claim.side,
        "stance": claim.stance,
        "claim_type": claim.claim_type,
        "event_date": claim.event_date.isoformat() if claim.event_date else None,
        "time": claim.time,
        "locations": list(claim.locations),
        "responds_to": responds_to,
        "start": claim.start,
        "end": claim.end,
        "confidence": claim.confidence,
        "claimant_known": claim.claimant_known,
        "version": claim.version,
    }


def id_prefix_for(filename: str) -> str:
    """ "s" plus the first three characters of the file name: 001_x.txt -> s001."""
    return "s" + filename[:3]


class IdPrefixes:
    """Id prefixes unique across one run: report_a.txt and report_b.txt both
    begin "srep", so the second document gets "srep2" (and a third "srep3").
    The same name read twice is two documents, with two prefixes."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def next(self, filename: str) -> str:
        base = id_prefix_for(filename)
        prefix, n = base, 1
        while prefix in self._used:
            n += 1
            prefix = f"{base}{n}"
        self._used.add(prefix)
        return prefix
