"""The claim record the engine returns."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

EXTRACTOR_VERSION = "rules-1.0"


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    """One (source, proposition) pair, with offsets into the document text.

    `text[start:end] == quote` and
    `text[sentence_start:sentence_start + len(sentence)] == sentence`.
    """

    index: int
    sentence: str
    sentence_start: int
    quote: str
    start: int
    end: int
    claimant_mention: str | None
    claimant: str | None
    claimant_known: bool
    side: str
    stance: str
    claim_type: str
    event_date: date | None
    time: str | None
    locations: tuple[str, ...]
    responds_to: int | None
    confidence: float
    type_confidence: float
    stance_confidence: float
    version: str = EXTRACTOR_VERSION


def slot_filler(cls: type) -> Callable:
    """A function (field values in order) -> instance of the frozen, slotted
    dataclass `cls`, filling the slots directly.

    The frozen dataclass __init__ calls object.__setattr__ once per field,
    which made building the record the costliest step of a claim; writing
    through the slot descriptors keeps the class frozen for everyone else.
    Every field must be given (defaults are not filled in).
    """
    names = cls.__slots__
    setters = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(instance, {name})\n" for name in names)
    source = f"def make({', '.join(names)}):\n    instance = _new(_cls)\n{body}    return instance\n"
    scope = {"_new": object.__new__, "_cls": cls, **setters}
    exec(source, scope)  # noqa: S102 - generated from the class's own field names
    return scope["make"]


make_claim = slot_filler(ExtractedClaim)
