"""ETags computed from what a page is made of, before anything is serialized.

A claim's representation changes only when its row does (every human write
raises `version` and sets `updated_at`; machine writes set `updated_at`), so
a page's tag is a digest of its rows' (id, updated_at), the query and what
the caller may see. A poll that sends If-None-Match reads only those two
columns of the page's rows first, and an unchanged one is answered 304 from
them alone.
"""

import hashlib

from django.utils.http import parse_etags

from claims.selectors import visible_conflict_ids


def viewer_key(request) -> str:
    """What shapes the representation for this caller: evidence shown or not, conflicts seen."""
    user = request.user
    allowed = visible_conflict_ids(user)
    conflicts = "all" if allowed is None else ",".join(map(str, sorted(allowed)))
    return f"{int(user.has_perm('review.view_evidence'))}:{conflicts}"


def page_etag(request, keys) -> str:
    """The tag of a page from its rows' (id, updated_at), the row after the page included (`next`)."""
    digest = hashlib.sha256()
    digest.update(viewer_key(request).encode())
    digest.update(request.get_full_path().encode())
    for pk, stamp, *_ in keys:
        digest.update(f"|{pk}:{stamp.isoformat()}".encode())
    return f'W/"{digest.hexdigest()[:32]}"'


def claim_etag(request, claim) -> str:
    key = f"{viewer_key(request)}|{claim.pk}:{claim.version}:{claim.updated_at.isoformat()}"
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def not_modified(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    if "*" in tags:
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in tags)
