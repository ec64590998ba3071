"""Datasets: exports of claims as CSV, JSON Lines and ClaimReview, recorded and checksummed.

reading.py reads the claims to export in chunks (one query per chunk for the
claims, one each for their evidence, verdicts and audit heads); formats.py
turns a chunk into text and reads a file back; services.py records, writes,
streams and verifies datasets. Admin, workspace, command and API all go
through services.py, and the claims through the one FilterSet.
"""
