"""The actor registry: canonical sources, their sides and their aliases.

Lookups are case- and article-insensitive and work on token n-grams, so an
alias is found inside a longer mention ("Northland President Ivo Brandt")
with one dictionary probe per n-gram.
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .lexicon import PERSON_WORDS

THIRD_PARTY = "third_party"
_KEY_TOKEN = re.compile(r"\w+(?:[-\u2013.]\w+)*|'s\b")
_LEADING = frozenset({"the", "a", "an", "both"})
# Shortest single-word alias usable as a stem for demonyms (Iran -> Iranian).
_MIN_STEM = 4
_MAX_SUFFIX = 4


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
    """Known actors, searchable by alias."""

    def __init__(self, actors: Iterable[Actor]):
        self.actors: tuple[Actor, ...] = tuple(actors)
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
        self._person_keys = frozenset(key for actor in self.actors for key in _person_keys(actor))

    @classmethod
    def from_records(cls, records: Sequence[dict]) -> "Registry":
        return cls(_actor(record) for record in records if record.get("name"))

    @classmethod
    def from_file(cls, path: str | Path) -> "Registry":
        with open(path, encoding="utf-8") as handle:
            return cls.from_records(json.load(handle))

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
        """Belligerent sides in registry order (everything but third parties)."""
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
