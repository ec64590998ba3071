"""Helpers the extraction tests share."""

from claims.extraction import Registry, extract, parse_registry


def registry_of(data: dict) -> Registry:
    """A registry from a conflict's JSON data, as `manage.py load_actors` reads it."""
    return Registry.from_data(parse_registry(data))


def rows(text, registry, *fields, document_date=None):
    """The named fields of each claim extracted from `text`, in document order."""
    return [tuple(getattr(c, f) for f in fields) for c in extract(text, registry, document_date=document_date)]
