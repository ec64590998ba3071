from claims.extraction import Registry
from claims.extraction.claimants import Resolver, proposed_name, split_coordination


def test_registry_lookup_ignores_case_and_articles(default_registry):
    assert default_registry.lookup("the azerbaijani mod").name == "Azerbaijani MoD"
    assert default_registry.lookup("The President of Azerbaijan").name == "President of Azerbaijan"
    assert default_registry.lookup("Azerbaijani MoD units") is None


def test_registry_finds_alias_inside_a_mention(default_registry):
    assert default_registry.find_in("Azerbaijani President Ilham Aliyev").name == "President of Azerbaijan"
    assert (
        default_registry.find_in("an Armenian MoD-related source, Artsrun Hovhannisyan").name == "Armenian authorities"
    )


def test_registry_demonym_stems(default_registry):
    assert default_registry.stem_actor("Armenian").side == "armenia"
    assert default_registry.stem_actor("Iranian").name == "Iran"
    assert default_registry.stem_actor("Iraqi") is None


def test_registry_sides_and_representatives(registry):
    assert registry.sides() == ["northland", "southland"]
    assert registry.representative("southland").name == "Southland authorities"


def test_registry_from_file(default_registry, tmp_path):
    path = tmp_path / "actors.json"
    path.write_text('[{"name": "Kesh Front", "side": "kesh", "aliases": ["KF"]}]', encoding="utf-8")
    assert Registry.from_file(path).lookup("KF").side == "kesh"


def test_split_coordination_distributes_the_head():
    assert split_coordination("Both Azerbaijani and Turkish authorities") == [
        "Azerbaijani authorities",
        "Turkish authorities",
    ]
    assert split_coordination("Armenia and Artsakh") == ["Armenia", "Artsakh"]
    assert split_coordination("the Ministry of Defence") == ["the Ministry of Defence"]


def test_proposed_name_for_unknown_sources():
    assert proposed_name("international third parties") == "International third parties"
    assert proposed_name("a correspondent for the Daily Ledger") == "Daily Ledger"


def test_resolver_coreference(registry):
    resolver = Resolver(registry)
    (ministry,) = resolver.resolve("the Northland MoD")
    resolver.remember(ministry)
    assert resolver.resolve("it")[0].name == "Northland Ministry of Defence"
    assert resolver.resolve("the same Ministry")[0].name == "Northland Ministry of Defence"
    (president,) = resolver.resolve("Northland's president")
    resolver.remember(president)
    assert resolver.resolve("He")[0].name == "President of Northland"
    assert resolver.resolve("it")[0].name == "Northland Ministry of Defence"


def test_resolver_latter_refers_to_the_last_name_of_the_previous_sentence(registry):
    resolver = Resolver(registry)
    resolver.observe_sentence("Northland and Southland met in Geneva.")
    assert resolver.resolve("the latter")[0].name == "Southland authorities"
    assert resolver.resolve("the former")[0].name == "Northland government"
