"""Signals the pipeline sends itself, inside the transaction of the write.

Model signals do not fire for bulk writes (COPY, UPDATE ... FROM), so the
services that make them send these explicitly; review records them in its
audit trail without claims knowing of review.
"""

from django.dispatch import Signal

# A batch of claims written by a machine (re-tagging): action, details (dict).
claims_machine_written = Signal()
