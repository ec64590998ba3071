"""Stage 3: who is speaking. Mentions become canonical claimants.

Resolution order: "both sides"; pronouns and short definite references
("it", "the Ministry", "the same Ministry", "the latter") through the
document's recent claimants; exact registry aliases; coordinations ("A and
B"); aliases inside a longer mention; a surname seen earlier in full;
an unnamed official or officer whose title names a registered actor ("a
rebel commander", "a senior Ruritanian official": the institution they speak
for); otherwise a new, unknown actor whose side is inferred only from the registry
(a demonym of a registered country, "Ukrainian-installed"; a noun whose
plural is an alias, "a rebel doctor") and is a third party by default.
An unknown actor is named by the person an appositive names ("The governor
of X, Serhiy Haidai"), by the organisation a spokesperson speaks for, or by
the mention without its article.

A pronoun after a source named earlier in the same sentence refers to it
("Petrov said X, which he said ..."). Otherwise "he"/"she" refer to the
latest claimant spoken for by a person: one whose mention holds a person word
("spokesman", "official") or a personal name, even when the canonical actor
is an institution; a lone role word ("another officer", "the spokesperson")
refers to the latest source with that role.
"""

import re
from collections import Counter
from dataclasses import dataclass

from .lexicon import (
    BOTH_SIDES,
    COREF_EQUIVALENTS,
    COREF_HEADS,
    NOT_NAMES,
    PERSON_WORDS,
    PLACE_SUFFIXES,
    SOURCE_WORDS,
    words,
)
from .registry import THIRD_PARTY, Actor, Registry, key_tokens

_HISTORY = 40
# Prepositions after a speaker's head that name where they speak, not for whom.
_AFTER_HEAD = re.compile(r"\s(?:at|in|to|with|near|on|before)\s", re.IGNORECASE)
_SPEAKER_HEADS = frozenset(
    words(
        """
        envoy envoys ambassador ambassadors representative representatives delegate delegation
        diplomat diplomats spokesman spokeswoman spokesperson official officials minister
        """
    )
)
_OUTLET_WORDS = frozenset(
    words(
        """
        tv television channel radio newspaper paper daily tabloid weekly gazette herald times
        post tribune agency broadcaster outlet magazine journal
        """
    )
)
_COORDINATION = re.compile(r",?\s+and\s+|,\s+(?=[^,]*\band\b)")
_DETERMINERS = frozenset(["the", "a", "an", "both", "some", "several", "its", "their", "his", "her"])
_SPOKESPERSON = re.compile(
    r"(?:an?\s+|the\s+)?(?:\w+\s+)?(?:spokes(?:man|woman|person)|representative|official|"
    r"officials|source|sources|correspondent|reporter|envoy)\s+(?:for|of|from|at|with)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "of", "for", "near", "to", "on", "with"})
# Words for what a speaker does, not whose side they are on ("a UN official").
_ROLES = PERSON_WORDS | frozenset(
    words(
        """
        official source representative resident witness worker doctor medic volunteer
        activist local villager survivor officer person member
        """
    )
)
# Singular roles a single person holds, beyond PERSON_WORDS: "he" in "a senior
# official said X, which he said ..." is that official.
_ONE_PERSON = PERSON_WORDS | frozenset(
    words(
        """
        official officer soldier fighter diplomat representative delegate source serviceman
        activist doctor medic witness eyewitness resident villager survivor volunteer observer
        """
    )
)
# Roles of people who speak for an institution: "a rebel commander" speaks for
# the rebels, "a senior Ruritanian official" for Ruritania. (An expert, a
# correspondent or a witness speaks for no one but themself.)
_INSTITUTION_ROLES = frozenset(
    words(
        """
        official officials spokesman spokeswoman spokesperson spokesmen representative
        representatives envoy ambassador diplomat diplomats minister delegate delegation
        source sources
        """
    )
)
# Of those, the roles of the armed forces: they speak for the side's military.
_MILITARY_ROLES = frozenset(
    words(
        """
        commander commanders officer officers soldier soldiers fighter fighters serviceman
        servicemen troops colonel lieutenant sergeant
        """
    )
)
_SPEAKING_ROLES = _INSTITUTION_ROLES | _MILITARY_ROLES
# Capitalised words that never make up a personal name.
_NOT_PERSONAL = (
    SOURCE_WORDS | NOT_NAMES | PLACE_SUFFIXES | frozenset({"united", "nations", "union", "republic", "ministry"})
)


@dataclass(slots=True)
class Claimant:
    """A resolved source (treated as immutable once made)."""

    mention: str | None
    name: str
    known: bool
    side: str
    person: bool = False
    # "opponent" or "context" when no source is written in the sentence.
    inferred: bool = False


class Resolver:
    """Resolves source mentions, remembering the document's recent claimants."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.history: list[Claimant] = []
        self.surnames: dict[str, Claimant] = {}
        self._personal: dict[str, bool] = {}
        self.previous_sentence = ""
        # The claimants of the sentence being read: "..., which he said ..."
        # refers to the speaker this sentence already named.
        self.sentence_claimants: list[Claimant] = []

    # --- memory -------------------------------------------------------------

    def remember(self, claimant: Claimant) -> None:
        self.history.append(claimant)
        self.sentence_claimants.append(claimant)
        if len(self.history) > 2 * _HISTORY:
            del self.history[:_HISTORY]

    def observe_sentence(self, sentence: str) -> None:
        self.previous_sentence = sentence
        self.sentence_claimants = []

    def last(self) -> Claimant | None:
        return self.history[-1] if self.history else None

    # --- entry points ---------------------------------------------------------

    def resolve(self, mention: str) -> list[Claimant]:
        """One claimant per source named in `mention` (two for "A and B")."""
        text = mention.strip(" ,;:")
        if not text:
            return []
        if BOTH_SIDES.match(text):
            return self.both_sides(mention)
        referred = self._coreference(text, mention)
        if referred is not None:
            return [referred]
        return self._named(text, mention)

    def both_sides(self, mention: str | None) -> list[Claimant]:
        out = []
        for side in self._document_sides():
            actor = self.registry.representative(side)
            if actor is not None:
                out.append(self._known(actor, mention))
        return out

    def _document_sides(self) -> list[str]:
        """The two parties "both sides" means: the registry's sides when there
        are two, else the two this document has heard most from (the
        registry's order breaks ties)."""
        sides = self.registry.sides()
        if len(sides) <= 2:
            return sides
        heard = Counter(c.side for c in self.history if c.side in sides)
        ranked = sorted(sides, key=lambda side: (-heard[side], sides.index(side)))
        return sorted(ranked[:2], key=sides.index)

    def opponent(self, side: str) -> Claimant | None:
        """The authorities of the other belligerent, for "this was denied"."""
        others = [s for s in self.registry.sides() if s != side]
        if len(others) != 1:
            return None
        actor = self.registry.representative(others[0])
        if actor is None:
            return None
        return self._known(actor, None, inferred=True)

    def context(self) -> Claimant | None:
        """The most recent claimant, for an unattributed "allegedly"."""
        last = self.last()
        if last is None:
            return None
        return Claimant(None, last.name, last.known, last.side, last.person, True)  # inferred

    # --- coreference ----------------------------------------------------------

    def _coreference(self, text: str, mention: str) -> Claimant | None:
        words = text.lower().split()
        if len(words) == 1 and words[0] in ("it", "he", "she", "they", "we"):
            return self._pronoun(words[0], mention)
        if len(words) == 2 and words[0] in ("its", "their", "his", "her"):
            return self._possessed(words[1], mention)
        if len(words) == 1 and words[0] in _ONE_PERSON and text.islower() and self.registry.lookup(text) is None:
            return self._by_head(words[0], mention)  # "another officer", its determiner dropped
        if words[0] != "the" or len(words) > 4:
            return None
        rest = [w for w in words[1:] if w not in ("same", "said")]
        if rest in (["latter"], ["former"]):
            return self._latter(rest[0] == "latter", mention)
        if len(words) > 1 and words[1] in ("same", "latter", "former"):
            return self._by_head(rest[-1] if rest else "", mention)
        if len(rest) == 1 and rest[0] in COREF_HEADS and self.registry.lookup(text) is None:
            return self._by_head(rest[0], mention)
        return None

    def _pronoun(self, word: str, mention: str) -> Claimant | None:
        speaker = self._sentence_speaker(word)
        if speaker is not None:
            return _with_mention(speaker, mention)
        recent = self.history[-_HISTORY:]
        if word in ("he", "she"):
            pick = next((c for c in reversed(recent) if c.person), None)
        elif word == "it":
            pick = next((c for c in reversed(recent) if not c.person), None)
        else:
            pick = None
        pick = pick or (recent[-1] if recent else None)
        return None if pick is None else _with_mention(pick, mention)

    def _sentence_speaker(self, word: str) -> Claimant | None:
        """The source this sentence already named, for a pronoun later in it
        ("Petrov said X, which he said ..."); "it" never refers back to a person."""
        for claimant in reversed(self.sentence_claimants):
            if claimant.mention is None or (word == "it" and claimant.person):
                continue
            return claimant
        return None

    def _possessed(self, head: str, mention: str) -> Claimant | None:
        """'its MoD': the actor of the last claimant's side named by that head."""
        last = self.last()
        if last is None:
            return None
        for actor in self.registry.actors:
            if actor.side != last.side:
                continue
            names = [actor.name, *actor.aliases]
            if any(head in key_tokens(name) for name in names):
                return self._known(actor, mention)
        return None

    def _by_head(self, head: str, mention: str) -> Claimant | None:
        wanted = COREF_EQUIVALENTS.get(head, (head,))
        for claimant in reversed(self.history[-_HISTORY:]):
            if self._names_match(claimant, wanted):
                return _with_mention(claimant, mention)
        return None

    def _names_match(self, claimant: Claimant, wanted: tuple[str, ...]) -> bool:
        actor = self.registry.lookup(claimant.name) if claimant.known else None
        if actor is not None:
            words, joined = self.registry.name_words(actor)
            if claimant.mention:  # "the spokesperson" after "a rebel spokesman"
                words = words | frozenset(key_tokens(claimant.mention))
        else:
            joined = " ".join(key_tokens(f"{claimant.name} {claimant.mention or ''}"))
            words = frozenset(joined.split())
        return any(w in words or (" " in w and w in joined) for w in wanted)

    def _latter(self, latter: bool, mention: str) -> Claimant | None:
        hits = self.registry.find_all(key_tokens(self.previous_sentence))
        if not hits:
            return None
        actor = hits[-1][2] if latter else hits[0][2]
        return self._known(actor, mention)

    # --- names --------------------------------------------------------------

    def _named(self, text: str, mention: str) -> list[Claimant]:
        actor = self.registry.lookup(text)
        if actor is not None:
            return [self._known(actor, mention)]
        parts = split_coordination(text)
        if len(parts) > 1:
            out = []
            for part in parts:
                out.extend(self._named(part, mention))
            return out
        head = _head_phrase(text)
        actor = self._head_actor(head) if head != text else None
        if actor is None:
            actor = self._alias_inside(text)
        if actor is None:
            actor = self.registry.tail_actor(text) or self._institution_of_role(text)
        if actor is not None:
            claimant = self._known(actor, mention)
            self._remember_name(text, claimant)
            return [claimant]
        return [self._surname(text, mention) or self._unknown(text, mention)]

    def _institution_of_role(self, text: str) -> Actor | None:
        """The institution an unnamed spokesperson or officer speaks for when the
        registry does not list them: "a rebel commander" (the rebels), "a senior
        Ruritanian official" (Ruritania), "a Ruritanian officer" (its military).
        A person named in the mention keeps their own name ("A rebel commander,
        Idris Mahl"); an affiliation ("a Ruritanian-installed official") is not
        the institution itself."""
        words = key_tokens(text)
        if len(words) < 2 or words[-1] not in _SPEAKING_ROLES:
            return None
        if "-" in text or "," in text or trailing_name(text) is not None:
            return None
        actor = self._modifier_actor(text, third_parties=True)
        if actor is not None and words[-1] in _MILITARY_ROLES:
            return self.registry.military(actor.side) or actor
        return actor

    def _alias_inside(self, text: str) -> Actor | None:
        """The actor of the longest alias inside the mention; not a country's
        one-word name inside an outlet's ("Ruritania Today TV" is the channel's)."""
        hits = self.registry.find_all(key_tokens(text))
        if not hits:
            return None
        start, end, actor = max(hits, key=lambda hit: hit[1] - hit[0])
        if end - start == 1 and _names_outlet(text):
            return None
        return actor

    def _head_actor(self, head: str) -> Actor | None:
        """The actor the head of a mention speaks for: "the Ruritanian envoy"
        (at the UN) is Ruritania's, through its alias or its demonym."""
        actor = self.registry.find_in(head)
        if actor is not None:
            return actor
        for word in _NAME_TOKEN.findall(head):
            if word[:1].isupper():
                actor = self.registry.stem_actor(word)
                if actor is not None and actor.side != THIRD_PARTY:
                    return self.registry.representative(actor.side) or actor
        return None

    def _remember_name(self, text: str, claimant: Claimant) -> None:
        """'Anton Belic, a spokesman for X': later 'Belic' is X too."""
        words = []
        for word in text.replace(",", " , ").split():
            if not (word[:1].isupper() and word[1:].islower()):
                break
            words.append(word)
        if len(words) >= 2 and self.registry.lookup(" ".join(words)) is None:
            self.surnames.setdefault(words[-1].lower(), claimant)

    def _surname(self, text: str, mention: str) -> Claimant | None:
        words = text.split()
        if len(words) != 1 or not words[0][:1].isupper():
            return None
        earlier = self.surnames.get(words[0].lower())
        return None if earlier is None else _with_mention(earlier, mention)

    def _unknown(self, text: str, mention: str) -> Claimant:
        name = proposed_name(text)
        side = self._side_from_demonyms(text)
        words = set(key_tokens(text))
        person = bool(words & _ONE_PERSON) or _looks_like_person(name)
        claimant = Claimant(mention, name, False, side, person)
        names = name.split()
        if len(names) >= 2 and all(w[:1].isupper() for w in names):
            self.surnames.setdefault(names[-1].lower(), claimant)
        return claimant

    def _side_from_demonyms(self, text: str) -> str:
        actor = self._modifier_actor(text)
        return THIRD_PARTY if actor is None else actor.side

    def _modifier_actor(self, text: str, third_parties: bool = False) -> Actor | None:
        """The actor a word of the mention names as a demonym ("Ruritanian"),
        a name ("pro-Kyiv") or the singular of an alias ("rebel": "the rebels").
        A belligerent only, unless `third_parties`: then a third party named
        by a capitalised word counts too ("a Turkish official")."""
        for word in _NAME_TOKEN.findall(text):
            # "Russian-installed", "pro-Kyiv": the capitalised part names the side.
            for part in word.split("-") if "-" in word else (word,):
                if part[:1].isupper():
                    actor = self.registry.stem_actor(part) or self.registry.lookup(part)
                    if actor is not None and third_parties and actor.side == THIRD_PARTY:
                        return actor
                elif part.isalpha() and part not in _ROLES:
                    actor = self.registry.lookup(f"{part}s")  # "a rebel commander": "the rebels"
                else:
                    continue
                if actor is not None and actor.side != THIRD_PARTY:
                    return actor
        return None

    def _known(self, actor: Actor, mention: str | None, inferred: bool = False) -> Claimant:
        person = actor.person or (mention is not None and self._names_person(mention))
        return Claimant(mention, actor.name, True, actor.side, person, inferred)

    def _names_person(self, mention: str) -> bool:
        """'Ministry spokesman Igor Konashenkov': a person speaks for the actor,
        so a later "he" refers to them."""
        found = self._personal.get(mention)
        if found is None:
            found = not _ONE_PERSON.isdisjoint(key_tokens(mention)) or self.registry.names_person(mention)
            if not found:
                name = trailing_name(mention)
                found = name is not None and self.registry.lookup(name) is None
            if len(self._personal) < 10_000:
                self._personal[mention] = found
        return found


def _head_phrase(text: str) -> str:
    """A mention without what follows its head: "the Ruritanian envoy" of
    "the Ruritanian envoy at the UN"; the whole mention when a speaker word
    does not head it ("a spokesman for the army" speaks for the army)."""
    match = _AFTER_HEAD.search(text)
    if match is None:
        return text
    before = text[: match.start()].split()
    return " ".join(before) if before and before[-1].lower() in _SPEAKER_HEADS else text


def _names_outlet(text: str) -> bool:
    """ "Ruritania Today TV", "the Bordurian Daily": a media outlet, whatever
    country its name holds."""
    return not _OUTLET_WORDS.isdisjoint(key_tokens(text))


def split_coordination(text: str) -> list[str]:
    """["Northern authorities", "Southern authorities"] for "Northern and
    Southern authorities"; a single item when there is no coordination."""
    if " and " not in text:
        return [text]
    words = text.split()
    if words and words[0].lower() == "both":
        text = " ".join(words[1:])
    parts = [p.strip() for p in _COORDINATION.split(text) if p.strip()]
    if len(parts) < 2:
        return [text]
    last = parts[-1].split()
    if len(last) >= 2:
        head = last[-1]
        parts = [p if len(p.split()) > 1 else f"{p} {head}" for p in parts]
    return parts


def proposed_name(text: str) -> str:
    """A short name for an unknown source: no leading article, capitalised.

    A person speaking for an organisation ("a spokesman for the Lakeside
    Monitoring Group") is named by the organisation."""
    for part in text.split(","):
        part = part.strip()
        match = _SPOKESPERSON.match(part)
        if match is not None and match.end() < len(part):
            return proposed_name(part[match.end() :])
    person = _appositive_name(text)
    if person is not None:
        return person
    words = text.split()
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    name = " ".join(words).strip(" ,;:\"'")
    if name.endswith(("'s", "\u2019s")):
        name = name[:-2]
    return name[:1].upper() + name[1:] if name else text


def _appositive_name(text: str) -> str | None:
    """A person named beside their title: "The governor of X, Serhiy Haidai",
    "Serhiy Haidai, the governor of X", "regional governor Oleh Synehubov"."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 2:
        if trailing_name(parts[0]) == parts[0]:
            return parts[0]
        # "Lakeside Group, a monitoring NGO": the proper name, not its description.
        described = [_proper(p) for p in parts]
        if described[0] != described[1]:
            return parts[0] if described[0] else parts[1]
    name = trailing_name(text)
    if name is None or name == text.strip():
        return None
    before = text[: text.rfind(name)].strip(" ,").lower().split()
    titled = "," in text or any(word in PERSON_WORDS or word in SOURCE_WORDS for word in before)
    return name if titled else None


def _proper(text: str) -> bool:
    """Every word capitalised but small joining words: "Syrian Observatory for Human Rights"."""
    words = text.split()
    return (
        words[0][:1].isupper()
        and words[0].lower() not in _DETERMINERS
        and all(w[:1].isupper() or w in ("of", "for", "and", "the", "de", "&") for w in words)
    )


def trailing_name(mention: str) -> str | None:
    """The personal name that closes a mention ("... spokesman Igor Konashenkov",
    "The governor of Luhansk Oblast, Serhiy Haidai"), if there is one."""
    words = mention.replace(",", " , ").split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip("\"'\u201c\u201d")
        if not (bare[:1].isupper() and bare[1:].islower()) or bare.lower() in _NOT_PERSONAL:
            break
        run.append(bare)
    if not 2 <= len(run) <= 3:
        return None
    if len(run) < len(words) and words[-len(run) - 1].lower() in _PLACE_PREPOSITIONS:
        return None  # "officials in Port Amar" ends with a place
    return " ".join(reversed(run))


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)


def _with_mention(claimant: Claimant, mention: str) -> Claimant:
    return Claimant(mention, claimant.name, claimant.known, claimant.side, claimant.person)
