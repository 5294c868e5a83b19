"""The web doors: the REST API under ``/api/v1`` and the citizen page at ``/`` (FastAPI)."""
