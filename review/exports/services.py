"""Exports: recording a dataset, writing (or streaming) its file, and verifying a file later.

    dataset = dataset_export(user=..., params=..., format="csv")   # the record; queued when large
    dataset_build(dataset=dataset)          # writes the file (the command, the worker)
    dataset_stream(dataset=dataset)         # writes it while a response streams it (direct downloads)
    dataset_verify(path)                    # the checks of `manage.py verify_dataset`

The claims are those the dataset's author may see, filtered by the one
FilterSet (review.selectors.claims_for), or a selection of them; only claims
with an approved verdict unless `include_unverified`, and then marked as not
verified. The admin, the workspace, the command and the API call these.
"""

import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from claims.models import Claim
from claims.selectors import visible_conflict_ids
from review import services as review_services
from review.exports import copy, formats, reading
from review.filters import ReviewClaimFilter
from review.models import Dataset
from review.roles import require
from review.selectors import claims_for

logger = logging.getLogger(__name__)

MAX_SELECTION = 10_000
# Progress is written at most this often (rows), so a large export costs few updates.
PROGRESS_EVERY = 10_000


class DatasetTaken(Exception):
    """Another run is writing this dataset, or has written it."""


def filter_keys() -> list[str]:
    """The names the FilterSet reads from its data (a range filter reads two: `<name>_after`, `<name>_before`)."""
    keys = []
    for name, form_field in ReviewClaimFilter().form.fields.items():
        suffixes = getattr(form_field.widget, "suffixes", None)
        keys += [f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name]
    return keys


def clean_params(params) -> dict[str, list[str]]:
    """The filter as stored on the dataset: {name: [values]}, names sorted, blank values left out.

    A name the FilterSet does not know is refused: an export holds exactly
    what was asked for, never more because a filter was silently ignored.
    """
    if params is None:
        return {}
    getlist = params.getlist if hasattr(params, "getlist") else lambda key: _as_list(params[key])
    known = set(filter_keys())
    cleaned = {}
    for key in sorted(params.keys()):
        values = [str(value).strip() for value in getlist(key) if str(value).strip()]
        if not values:
            continue
        if key not in known:
            raise ValidationError(f"Unknown filter {key!r}; the filters are: {', '.join(sorted(known))}.")
        cleaned[key] = values
    return cleaned


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _query_dict(filters: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in filters.items():
        data.setlist(key, values)
    return data


def selected_claims(*, user, filters: dict, ids: list[int] | None, include_unverified: bool) -> QuerySet:
    """The claims of an export, through the one FilterSet; ValidationError naming a bad filter."""
    filterset = claims_for(user=user, data=_query_dict(filters))
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise ValidationError(f"The filter is not valid: {problems}")
    queryset = filterset.qs
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    if not include_unverified:
        queryset = queryset.exclude(verdict="")
    return queryset


def _clean_ids(ids) -> list[int] | None:
    if ids is None:
        return None
    try:
        cleaned = sorted({int(value) for value in ids})
    except (TypeError, ValueError):
        raise ValidationError("A selection is a list of claim ids.") from None
    if not cleaned:
        raise ValidationError("Select at least one claim to export.")
    if len(cleaned) > MAX_SELECTION:
        raise ValidationError(f"Select at most {MAX_SELECTION} claims, or export a filter instead.")
    return cleaned


@transaction.atomic
def dataset_export(
    *,
    user,
    params=None,
    format: str,
    include_unverified: bool = False,
    ids=None,
    background: bool | None = None,
) -> Dataset:
    """Record an export of the claims `user` may see; returns the Dataset.

    `params` is the FilterSet's data (a QueryDict or a dict); `ids` a selection
    instead of (or within) a filter. With more claims than
    CLAIMDESK_EXPORT_ASYNC_ROWS (or `background=True`) the dataset is queued for
    a worker (status queued); otherwise it is pending and the caller writes it
    now with dataset_build or dataset_stream.
    """
    require(user, "review.export_dataset", "export datasets")
    if format not in Dataset.Format.values:
        raise ValidationError(f"format must be one of {', '.join(Dataset.Format.values)}.")
    filters, ids = clean_params(params), _clean_ids(ids)
    rows = selected_claims(user=user, filters=filters, ids=ids, include_unverified=include_unverified).count()
    if background is None:
        background = rows > settings.CLAIMDESK_EXPORT_ASYNC_ROWS
    dataset = Dataset.objects.create(
        created_by=user,
        format=format,
        filters=filters,
        claim_ids=ids,
        include_unverified=bool(include_unverified),
        expected_rows=rows,
        status=Dataset.Status.QUEUED if background else Dataset.Status.PENDING,
    )
    if background:
        from review.tasks import build_dataset

        transaction.on_commit(lambda: build_dataset.delay(dataset_id=dataset.pk))
    return dataset


@dataclass
class _Tally:
    """What the file holds, gathered while it is written."""

    rows: int = 0
    size: int = 0
    sha256: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    audit: "hashlib._Hash" = field(default_factory=hashlib.sha256)
    extractors: set = field(default_factory=set)
    taggers: set = field(default_factory=set)
    conflicts: set = field(default_factory=set)

    def add(self, chunk: reading.Chunk) -> None:
        for row in chunk.rows:
            self.audit.update(f"{row[reading.ID]}:{chunk.head(row[reading.ID])}\n".encode())
            self.extractors.add(row[reading.EXTRACTOR_VERSION])
            self.taggers.add(row[reading.TAGGER_VERSION])
            self.conflicts.add(row[reading.CONFLICT_ID])
        self.rows += len(chunk.rows)


def permalink_parts() -> tuple[str, str] | None:
    """claim_permalink's URL split around the claim's id, so every row costs a concatenation, not a call.

    None if the URL does not carry the id as a plain number.
    """
    marker = "987654321"
    sample = review_services.claim_permalink(int(marker))
    if sample.count(marker) != 1:
        return None
    before, after = sample.split(marker)
    return before, after


def permalink_function():
    parts = permalink_parts()
    if parts is None:
        return review_services.claim_permalink
    before, after = parts
    return lambda claim_id: f"{before}{claim_id}{after}"


def render(dataset: Dataset, tally: _Tally, progress=lambda rows: None) -> Iterator[bytes]:
    """The dataset's file, a chunk of claims at a time."""
    queryset = selected_claims(
        user=dataset.created_by,
        filters=dataset.filters,
        ids=dataset.claim_ids,
        include_unverified=dataset.include_unverified,
    )
    writer = formats.WRITERS[dataset.format](permalink_function())
    history = dataset.format == Dataset.Format.JSONL
    yield writer.header().encode("utf-8")
    parts = permalink_parts()
    if dataset.format == Dataset.Format.CSV and connection.vendor == "postgresql" and parts is not None:
        size = settings.CLAIMDESK_EXPORT_COPY_CHUNK_SIZE
        yield from copy.render_rows(queryset, tally, permalink_parts=parts, size=size, progress=progress)
    else:
        for chunk in reading.chunks(queryset, size=settings.CLAIMDESK_EXPORT_CHUNK_SIZE, history=history):
            tally.add(chunk)
            yield writer.chunk(chunk).encode("utf-8")
            progress(tally.rows)
    yield writer.footer().encode("utf-8")


def _claim_for_writing(dataset: Dataset) -> bool:
    """Only one writer per dataset: it moves from pending or queued to running once."""
    started = timezone.now()
    claimed = Dataset.objects.filter(pk=dataset.pk, status__in=[Dataset.Status.PENDING, Dataset.Status.QUEUED]).update(
        status=Dataset.Status.RUNNING, started_at=started, rows_done=0
    )
    if claimed:
        dataset.status, dataset.started_at = Dataset.Status.RUNNING, started
    return claimed == 1


def _paths(dataset: Dataset) -> tuple[str, Path, Path]:
    name = f"datasets/dataset-{dataset.pk}.{formats.EXTENSIONS[dataset.format]}"
    final = Path(settings.MEDIA_ROOT) / name
    final.parent.mkdir(parents=True, exist_ok=True)
    return name, final, final.with_name(f".{final.name}.part")


def dataset_stream(*, dataset: Dataset) -> Iterator[bytes]:
    """Write the dataset's file and yield its bytes as they are written (a StreamingHttpResponse's content).

    Once the last byte is out, the dataset is ready with its checksum; if the
    stream stops early (an error, a closed connection), it is failed and no
    partial file is kept.
    """
    if not _claim_for_writing(dataset):
        raise DatasetTaken(f"Dataset {dataset.pk} is already being written, or done.")
    name, final, part = _paths(dataset)
    tally = _Tally()
    last_reported = 0

    def progress(rows: int) -> None:
        nonlocal last_reported
        if rows - last_reported >= PROGRESS_EVERY:
            Dataset.objects.filter(pk=dataset.pk).update(rows_done=rows)
            last_reported = rows

    finished = False
    try:
        with part.open("wb") as out:
            for block in render(dataset, tally, progress):
                out.write(block)
                tally.sha256.update(block)
                tally.size += len(block)
                yield block
        os.replace(part, final)
        _finish(dataset, name, tally)
        finished = True
    finally:
        if not finished:
            part.unlink(missing_ok=True)
            _fail(dataset, "The export stopped before its end (error or closed connection).")


def dataset_build(*, dataset: Dataset) -> Dataset:
    """Write the dataset's file (the command and the worker); returns the dataset, ready."""
    for _ in dataset_stream(dataset=dataset):
        pass
    dataset.refresh_from_db()
    return dataset


def _finish(dataset: Dataset, name: str, tally: _Tally) -> None:
    dataset.file.name = name
    dataset.status = Dataset.Status.READY
    dataset.row_count = dataset.rows_done = tally.rows
    dataset.size = tally.size
    dataset.sha256 = tally.sha256.hexdigest()
    dataset.audit_digest = tally.audit.hexdigest()
    dataset.extractor_versions = sorted(tally.extractors)
    dataset.tagger_versions = sorted(version for version in tally.taggers if version)
    dataset.conflict_ids = sorted(tally.conflicts)
    dataset.finished_at = timezone.now()
    dataset.error = ""
    dataset.save()
    logger.info("Dataset %s ready: %s rows, sha256 %s", dataset.pk, tally.rows, dataset.sha256)


def _fail(dataset: Dataset, error: str) -> None:
    Dataset.objects.filter(pk=dataset.pk, status=Dataset.Status.RUNNING).update(
        status=Dataset.Status.FAILED, error=error, finished_at=timezone.now()
    )
    dataset.status, dataset.error = Dataset.Status.FAILED, error


# --- who may see and download datasets -----------------------------------------------


def datasets_visible_to(user) -> QuerySet[Dataset]:
    """Everyone's datasets for a user who sees every conflict, else only their own."""
    if not (user.is_active and user.has_perm("review.export_dataset")):
        return Dataset.objects.none()
    if visible_conflict_ids(user) is None:
        return Dataset.objects.all()
    return Dataset.objects.filter(created_by=user)


def dataset_for_download(*, dataset_id: int, user) -> Dataset:
    """The dataset, if `user` may download it again; PermissionDenied otherwise."""
    require(user, "review.export_dataset", "download datasets")
    dataset = datasets_visible_to(user).filter(pk=dataset_id).first()
    if dataset is None:
        raise PermissionDenied("You may not download this dataset.")
    return dataset


# --- verification ----------------------------------------------------------------------


@dataclass
class Verification:
    dataset: Dataset | None
    sha256: str
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dataset is not None and not self.problems and not self.changed


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def dataset_verify(path: Path, *, chunk_size: int = 2000) -> Verification:
    """Is this file an unedited export, and do its claims still have the verdicts and history it shows?

    The file's SHA-256 must be a recorded dataset's; its rows' audit heads must
    combine to the recorded digest; and each claim's verdict and audit head in
    the database must still be the row's. Claims that changed since are named.
    """
    sha256 = file_sha256(path)
    dataset = Dataset.objects.filter(sha256=sha256, status=Dataset.Status.READY).order_by("pk").first()
    result = Verification(dataset=dataset, sha256=sha256)
    if dataset is None:
        result.problems.append(
            f"No dataset has the checksum {sha256}: the file was changed after export, or is not a claimdesk export."
        )
        return result
    combined = hashlib.sha256()
    batch: list[tuple[int, str, str]] = []
    with path.open(encoding="utf-8", newline="") as stream:
        for claim_id, verdict, head in formats.read_rows(dataset.format, stream):
            combined.update(f"{claim_id}:{head}\n".encode())
            batch.append((claim_id, verdict, head))
            if len(batch) >= chunk_size:
                result.changed += _changed_claims(batch)
                batch = []
            result.rows += 1
    result.changed += _changed_claims(batch)
    if result.rows != dataset.row_count:
        result.problems.append(f"The file has {result.rows} rows; dataset {dataset.pk} recorded {dataset.row_count}.")
    if combined.hexdigest() != dataset.audit_digest:
        result.problems.append(f"The rows' audit heads do not combine to dataset {dataset.pk}'s digest.")
    return result


def _changed_claims(batch: list[tuple[int, str, str]]) -> list[str]:
    if not batch:
        return []
    ids = [claim_id for claim_id, _, _ in batch]
    with reading.snapshot():
        verdicts = dict(Claim.objects.filter(pk__in=ids).values_list("pk", "verdict"))
        heads = reading.audit_heads(ids)
    changed = []
    for claim_id, verdict, head in batch:
        if claim_id not in verdicts:
            changed.append(f"claim {claim_id}: no longer exists")
        elif verdicts[claim_id] != verdict:
            now = verdicts[claim_id] or "(none)"
            changed.append(f"claim {claim_id}: verdict {verdict or '(none)'} in the file, {now} now")
        elif heads.get(claim_id, reading.GENESIS) != head:
            changed.append(f"claim {claim_id}: its audit trail has changed since the export")
    return changed
