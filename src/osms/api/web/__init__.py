"""The citizen web page (placeholder router; the page's routes are added here)."""

from fastapi import APIRouter

router = APIRouter()
