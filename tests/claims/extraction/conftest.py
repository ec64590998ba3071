"""Shared fixtures for the extraction tests: plain pytest, no Django."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claims.extraction import DEFAULT_REGISTRY_PATH, Registry  # noqa: E402

# An invented conflict: nothing in the engine knows these names.
NORTH_SOUTH = [
    {
        "name": "Northland Ministry of Defence",
        "side": "northland",
        "aliases": ["Northland MoD", "Northland Ministry of Defence", "Northland army"],
    },
    {"name": "Northland government", "side": "northland", "aliases": ["Northland", "Northland government", "Norburg"]},
    {
        "name": "President of Northland",
        "side": "northland",
        "aliases": ["President of Northland", "Northland's president", "Ivo Brandt", "Brandt"],
    },
    {
        "name": "Southland authorities",
        "side": "southland",
        "aliases": ["Southland authorities", "Southland", "Southland government"],
    },
    {"name": "Southland Defence Forces", "side": "southland", "aliases": ["Southland Defence Forces", "SDF"]},
    {"name": "Red Cross", "side": "third_party", "aliases": ["Red Cross", "ICRC"]},
]


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.from_records(NORTH_SOUTH)


@pytest.fixture(scope="session")
def default_registry() -> Registry:
    return Registry.from_file(DEFAULT_REGISTRY_PATH)
