"""The REST API, version 1 (placeholder router; the API routes are added here)."""

from fastapi import APIRouter

router = APIRouter()
