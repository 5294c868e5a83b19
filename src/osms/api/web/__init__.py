"""The citizen web page at ``/``: an IIN form, the status card, the calculator, payment plans.

Server-rendered (Jinja2), Kazakh by default with a language switch, no JavaScript needed.
"""

from osms.api.web.pages import router

__all__ = ["router"]
