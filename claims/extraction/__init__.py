"""Rule-based claim extraction: a pure function of text and actor registry.

registry = Registry.from_file(DEFAULT_REGISTRY_PATH)
claims = extract(normalize_text(raw).text, registry, document_date=None)
"""

from pathlib import Path

from .engine import extract
from .model import EXTRACTOR_VERSION, ExtractedClaim
from .registry import Actor, Registry, RegistryData, RegistryError, parse_registry, read_registry_file
from .text import NormalizedText, normalize_text

DEFAULT_REGISTRY_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "actors.json"

__all__ = [
    "DEFAULT_REGISTRY_PATH",
    "EXTRACTOR_VERSION",
    "Actor",
    "ExtractedClaim",
    "NormalizedText",
    "Registry",
    "RegistryData",
    "RegistryError",
    "extract",
    "normalize_text",
    "parse_registry",
    "read_registry_file",
]
