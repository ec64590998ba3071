"""The actor registry: canonical sources, their sides and their aliases.

Lookups are case- and article-insensitive and work on token n-grams, so an
alias is found inside a longer mention ("Northland President Ivo Brandt")
with one dictionary probe per n-gram.
"""

import datetime
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import PERSON_WORDS

THIRD_PARTY = "third_party"
_KEY_TOKEN = re.compile(r"\w+(?:[-\u2013.]\w+)*|'s\b")
_LEADING = frozenset({"the", "a", "an", "both"})
# Shortest single-word alias usable as a stem for demonyms (Iran -> Iranian).
_MIN_STEM = 4
_MAX_SUFFIX = 4
_MILITARY_NAMES = frozenset({"army", "military", "forces", "armed"})


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    side: str
    aliases: tuple[str, ...]
    person: bool = False


def key_tokens(text: str) -> tuple[str, ...]:
    """Lower-case tokens of a name with quotes, apostrophes and articles unified."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    tokens = _KEY_TOKEN.findall(text)
    start = 0
    while start < len(tokens) - 1 and tokens[start] in _LEADING:
        start += 1
    return tuple(tokens[start:])


class Registry:
    """Known actors, searchable by alias.

    `parties` are the conflict's belligerent sides, in order, when the
    registry file names them; "both sides" means those two. Without them the
    sides are read off the actors.
    """

    def __init__(self, actors: Iterable[Actor], parties: Sequence[str] = ()):
        self.actors: tuple[Actor, ...] = tuple(actors)
        self.parties: tuple[str, ...] = tuple(p for p in parties if p != THIRD_PARTY)
        self._index: dict[tuple[str, ...], Actor] = {}
        self._stems: dict[str, Actor] = {}
        self._words: dict[str, Actor | None] = {}
        self._lookups: dict[str, Actor | None] = {}
        self._comma_aliases = sorted(
            {a.lower() for actor in self.actors for a in actor.aliases if "," in a}, key=len, reverse=True
        )
        self._names: dict[str, tuple[frozenset[str], str]] = {}
        self._personal: dict[str, bool] = {}
        for actor in self.actors:
            for alias in (actor.name, *actor.aliases):
                self._add_alias(actor, alias)
        self.max_len = max((len(key) for key in self._index), default=1)
        self._tails = _alias_tails(self._index)
        self._person_keys = frozenset(key for actor in self.actors for key in _person_keys(actor))

    @classmethod
    def from_records(cls, records: Sequence[dict], parties: Sequence[str] = ()) -> "Registry":
        return cls((_actor(record) for record in records if record.get("name")), parties)

    @classmethod
    def from_data(cls, data: "RegistryData") -> "Registry":
        return cls.from_records(data.actors, data.parties)

    @classmethod
    def from_file(cls, path: str | Path) -> "Registry":
        return cls.from_data(read_registry_file(path))

    def _add_alias(self, actor: Actor, alias: str) -> None:
        key = key_tokens(alias)
        if key:
            self._index.setdefault(key, actor)
        if len(key) == 1 and alias.strip()[:1].isupper() and len(key[0]) >= _MIN_STEM:
            word = key[0]
            stem = word if len(word) <= 5 else word[:-1]
            self._stems.setdefault(stem, actor)

    def lookup(self, text: str) -> Actor | None:
        """The actor whose alias is exactly `text` (case and articles aside)."""
        found = self._lookups.get(text, False)
        if found is False:
            found = self._index.get(key_tokens(text))
            if len(self._lookups) < 100_000:
                self._lookups[text] = found
        return found

    def alias_ending(self, text: str, end: int) -> int | None:
        """Start of a registered name with a comma in it that ends at `end`."""
        for alias in self._comma_aliases:
            start = end - len(alias)
            if start >= 0 and text[start:end].lower() == alias:
                return start
        return None

    def tail_actor(self, text: str) -> Actor | None:
        """The one actor with an alias that ends in `text`'s words, two or more:
        "defense official" of "a senior U.S. defense official" when a mention
        lost its first words."""
        key = key_tokens(text)
        return self._tails.get(key) if len(key) >= 2 else None

    def find_all(self, tokens: Sequence[str]) -> list[tuple[int, int, Actor]]:
        """Non-overlapping alias occurrences in `tokens`, longest first, in order."""
        found, i, n = [], 0, len(tokens)
        while i < n:
            for size in range(min(self.max_len, n - i), 0, -1):
                actor = self._index.get(tuple(tokens[i : i + size]))
                if actor is not None:
                    found.append((i, i + size, actor))
                    i += size
                    break
            else:
                i += 1
        return found

    def find_in(self, text: str) -> Actor | None:
        """The actor of the longest alias inside `text`."""
        hits = self.find_all(key_tokens(text))
        if not hits:
            return None
        return max(hits, key=lambda hit: hit[1] - hit[0])[2]

    def word_actor(self, word: str) -> Actor | None:
        """The actor a single word names, itself or as a demonym."""
        lower = word.lower()
        found = self._words.get(lower, False)
        if found is False:
            found = self._index.get((lower,)) or self.stem_actor(lower)
            if len(self._words) < 100_000:
                self._words[lower] = found
        return found

    def stem_actor(self, word: str) -> Actor | None:
        """Actor whose one-word alias is the stem of `word` (Ukrainian -> Ukraine)."""
        lower = word.lower()
        for size in range(len(lower), _MIN_STEM - 1, -1):
            actor = self._stems.get(lower[:size])
            if actor is not None:
                return actor if len(lower) - size <= _MAX_SUFFIX else None
        return None

    def names_person(self, text: str) -> bool:
        """Whether `text` holds an alias that is a person's name ("Igor
        Konashenkov" and "Konashenkov" both listed), whoever the actor is."""
        found = self._personal.get(text)
        if found is None:
            tokens = key_tokens(text)
            found = any(tokens[i:j] in self._person_keys for i, j, _ in self.find_all(tokens))
            if len(self._personal) < 100_000:
                self._personal[text] = found
        return found

    def name_words(self, actor: Actor) -> tuple[frozenset[str], str]:
        """All tokens of an actor's names, and the names joined, for matching heads."""
        cached = self._names.get(actor.name)
        if cached is None:
            keys = [" ".join(key_tokens(n)) for n in (actor.name, *actor.aliases)]
            cached = (frozenset(" ".join(keys).split()), " | ".join(keys))
            self._names[actor.name] = cached
        return cached

    def sides(self) -> list[str]:
        """Belligerent sides: the conflict's parties, else the actors' sides in registry order."""
        if self.parties:
            return list(self.parties)
        seen: list[str] = []
        for actor in self.actors:
            if actor.side != THIRD_PARTY and actor.side not in seen:
                seen.append(actor.side)
        return seen

    def representative(self, side: str) -> Actor | None:
        """The actor that speaks for a side as a whole (its authorities)."""
        members = [actor for actor in self.actors if actor.side == side]
        for actor in members:
            if any(w in actor.name.lower() for w in ("authorities", "government")):
                return actor
        return members[0] if members else None

    def military(self, side: str) -> Actor | None:
        """The side's armed forces: its first actor named as an army, a military
        or forces, for an officer or a soldier the registry does not list."""
        for actor in self.actors:
            if actor.side == side and not _MILITARY_NAMES.isdisjoint(self.name_words(actor)[0]):
                return actor
        return None


def _alias_tails(index: dict[tuple[str, ...], Actor]) -> dict[tuple[str, ...], Actor]:
    """The last two or more words of each alias, for the tails that only one
    actor's aliases end in."""
    tails: dict[tuple[str, ...], Actor | None] = {}
    for key, actor in index.items():
        for start in range(1, len(key) - 1):
            tail = key[start:]
            if tails.setdefault(tail, actor) is not actor:
                tails[tail] = None  # two actors end so: the tail names neither
    return {tail: actor for tail, actor in tails.items() if actor is not None and tail not in index}


def _person_keys(actor: Actor) -> list[tuple[str, ...]]:
    """Aliases that are a full name and its surname, both listed for the actor."""
    keys = {key_tokens(alias): alias for alias in actor.aliases}
    out = []
    for key, alias in keys.items():
        words = alias.split()
        if not 2 <= len(words) <= 4 or len(key) != len(words) or not all(w[:1].isupper() for w in words):
            continue
        if key[-1:] in keys and not set(key) & PERSON_WORDS:
            out.extend((key, key[-1:]))
    return out


def _actor(record: dict) -> Actor:
    name = str(record["name"]).strip()
    aliases = tuple(str(alias) for alias in record.get("aliases") or () if str(alias).strip())
    side = str(record.get("side") or THIRD_PARTY).strip() or THIRD_PARTY
    words = set(key_tokens(name))
    return Actor(name=name, side=side, aliases=aliases, person=bool(words & PERSON_WORDS))


# --- the registry file -------------------------------------------------------
#
# Either a JSON list of actors ({"name", "side", "aliases"}), or an object
# that also describes the conflict:
#   {"name": "...", "slug": "...", "sides": {"slug": "Display name", ...},
#    "start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "actors": [...]}
# Every reader (extract, ingest, load_actors) validates it here, so a
# malformed file gets the same one-line message everywhere.

SIDE_SLUG = re.compile(r"^[a-z0-9_]+$")
CONFLICT_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Larger than any registry a person writes; bounds what a bad path can cost.
MAX_REGISTRY_BYTES = 16 * 1024 * 1024
_CONFLICT_KEYS = frozenset({"name", "slug", "sides", "start", "end", "actors", "description"})


class RegistryError(ValueError):
    """The registry is malformed; the message says what is wrong and where."""


@dataclass(frozen=True)
class RegistryData:
    """A validated registry: its actors and what it says about its conflict."""

    actors: list[dict]
    name: str = ""
    slug: str = ""
    # Side slug -> display name, in the file's order (third parties excluded).
    sides: dict[str, str] = field(default_factory=dict)
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(self.sides)


def read_registry_file(path: str | Path) -> RegistryData:
    """Read and validate a registry file; RegistryError names the file and the fault."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_REGISTRY_BYTES + 1)
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_REGISTRY_BYTES:
        raise RegistryError(f"{path}: larger than {MAX_REGISTRY_BYTES // (1024 * 1024)} MiB, not a registry")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise RegistryError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    try:
        return parse_registry(data)
    except RegistryError as exc:
        raise RegistryError(f"{path}: {exc}") from None


def parse_registry(data: object) -> RegistryData:
    """Validate registry data (a list of actors, or a conflict object holding them)."""
    if isinstance(data, list):
        return RegistryData(actors=_validated_actors(data))
    if not isinstance(data, dict):
        raise RegistryError("the registry must be a JSON list of actors, or an object with an 'actors' list")
    unknown = sorted(set(data) - _CONFLICT_KEYS)
    if unknown:
        raise RegistryError(f"unknown top-level field {unknown[0]!r} (expected {', '.join(sorted(_CONFLICT_KEYS))})")
    if "actors" not in data:
        raise RegistryError("the registry object has no 'actors' list")
    name = _optional_text(data, "name")
    slug = _optional_text(data, "slug")
    if slug and not CONFLICT_SLUG.fullmatch(slug):
        raise RegistryError(f"slug {slug!r} must be lower-case words joined by hyphens, such as 'sudan-2023'")
    sides = _validated_sides(data.get("sides", {}))
    start, end = _optional_date(data, "start"), _optional_date(data, "end")
    if start and end and end < start:
        raise RegistryError(f"end {end} is before start {start}")
    actors = _validated_actors(data["actors"])
    if sides:
        for number, actor in enumerate(actors, 1):
            if actor["side"] != THIRD_PARTY and actor["side"] not in sides:
                listed = ", ".join([*sides, THIRD_PARTY])
                raise RegistryError(f"actor #{number} ({actor['name']}): side {actor['side']!r} is not one of {listed}")
    return RegistryData(actors=actors, name=name, slug=slug, sides=sides, start=start, end=end)


def _optional_text(data: dict, key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise RegistryError(f"{key!r} must be a string")
    return value.strip()


def _optional_date(data: dict, key: str) -> datetime.date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else _bad_date(key, value)
    except ValueError:
        return _bad_date(key, value)


def _bad_date(key: str, value: object):
    raise RegistryError(f"{key!r} must be a date written YYYY-MM-DD, not {value!r}")


def _validated_sides(sides: object) -> dict[str, str]:
    if not isinstance(sides, dict):
        raise RegistryError("'sides' must be an object mapping each side's slug to its display name")
    out = {}
    for slug, label in sides.items():
        if not SIDE_SLUG.fullmatch(slug):
            raise RegistryError(f"side {slug!r} must be a lower-case slug such as 'party_a'")
        if not isinstance(label, str) or not label.strip():
            raise RegistryError(f"side {slug!r} needs a display name (a non-empty string)")
        if slug != THIRD_PARTY:
            out[slug] = label.strip()
    return out


def _validated_actors(records: object) -> list[dict]:
    if not isinstance(records, list):
        raise RegistryError("'actors' must be a JSON list of actors")
    rows, seen = [], set()
    for number, record in enumerate(records, 1):
        where = f"actor #{number}"
        if not isinstance(record, dict):
            raise RegistryError(f"{where} is not an object")
        name, side, aliases = record.get("name"), record.get("side"), record.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            raise RegistryError(f"{where} has no name (a non-empty string)")
        name = name.strip()
        if len(name) > 200:
            raise RegistryError(f"{where}: the name is over 200 characters")
        if not isinstance(side, str) or not side.strip():
            raise RegistryError(f"{where} ({name}) has no side")
        if not SIDE_SLUG.fullmatch(side.strip()):
            raise RegistryError(f"{where} ({name}): side must be a lower-case slug such as 'third_party'")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise RegistryError(f"{where} ({name}): aliases must be a list of strings")
        if name in seen:
            raise RegistryError(f"{where}: {name!r} appears twice")
        seen.add(name)
        rows.append({"name": name, "side": side.strip(), "aliases": [a.strip() for a in aliases if a.strip()]})
    return rows
