"""The REST API for clients, under /api/v1/ (README, "The API").

Views stay thin: they read through the selectors (visibility, then the one
FilterSet) and write through review.services and claims.services, the same
services the admin and the workspace call.
"""
