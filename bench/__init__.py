"""claimdesk's benchmarks: `python -m bench` (or `make bench`) runs them on the real stack."""
