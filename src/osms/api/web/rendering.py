"""How the citizen page is rendered: the Jinja2 environment, the page's language, its links.

Templates only lay out and format: every word goes through :func:`osms.i18n.t` or
:func:`osms.i18n.label`, every date, month and amount through the ``osms.i18n`` formatters,
bound here to the page's language.  Nothing here decides anything.

Every page carries the Fund's identity and contacts (:mod:`osms.views.public`), a link to the
privacy notice and, over synthetic data, the demo banner (``OSMS_DEMO``, else the marker of
``osms demo``'s build in the registry, :func:`is_demo`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.exc import SQLAlchemyError

from osms.api.deps import settings
from osms.api.ratelimit import RateLimiter, ip_key
from osms.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    MonthLike,
    explain,
    format_date,
    format_money,
    format_month_count,
    format_month_list,
    label,
    month_name,
    negotiate,
    t,
)
from osms.i18n.languages import ALIASES
from osms.services.audit_trail import holds_action
from osms.views import fragments
from osms.views.public import (
    CALL_CENTRE,
    FUND_NAMES,
    FUND_SITE,
    beneficiary,
    explain_public,
    no_records,
)

__all__ = [
    "LANG_COOKIE",
    "Page",
    "is_demo",
    "render",
    "seconds_to_wait",
    "supported_language",
    "too_many_checks",
]

LANG_COOKIE: Final = "lang"
"""The cookie that remembers a language chosen with the switch (``?lang=``)."""

LANG_COOKIE_MAX_AGE: Final = 365 * 24 * 3600


SECURITY_HEADERS: Final[Mapping[str, str]] = {
    # No script at all: the page works without JavaScript and must never need it.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    # The IIN travels in the query string of a GET form: never pass it on in a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

TEMPLATES: Final = Environment(
    loader=PackageLoader("osms.api.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def supported_language(value: str | None) -> str | None:
    """``kk``, ``ru`` or ``en`` for a language code people write (``ru-RU``, ``kz``), else None.

    >>> supported_language("ru-RU"), supported_language("KZ"), supported_language("fr")
    ('ru', 'kk', None)
    """
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


_FRAGMENTS: Final = (
    "debt_rows",
    "debt_total",
    "insured_until",
    "not_billed_note",
    "option_name",
    "status_appears",
)
"""The renderers of :mod:`osms.views.fragments` the templates call by their names."""


@dataclass(frozen=True, slots=True)
class Page:
    """One request of the page: its language, where the language came from, the date asked."""

    request: Request
    lang: str
    chosen: bool
    """True when the language came from ``?lang=`` (then it is remembered in a cookie)."""
    day: date
    day_param: str | None
    """``?date=`` as given (carried in every link), None for today."""
    error: str | None = None
    """A problem with the page's own parameters (a malformed ``?date=``), in the language."""

    @classmethod
    def of(cls, request: Request, lang: str | None, day: str | None, today: date) -> Page:
        """The language from ``?lang=``, then the cookie, then ``Accept-Language``; the date
        from ``?date=``, else ``today``."""
        chosen = supported_language(lang)
        language = (
            chosen
            or supported_language(request.cookies.get(LANG_COOKIE))
            or negotiate(request.headers.get("accept-language"))
        )
        day_param = day.strip() if day and day.strip() else None
        error = None
        on = today
        if day_param is not None:
            try:
                on = date.fromisoformat(day_param)
            except ValueError:
                error, day_param = (
                    t(language, "The date is not valid: write it as YYYY-MM-DD."),
                    None,
                )
        return cls(request, language, chosen is not None, on, day_param, error)

    def url(self, path: str, **params: str | None) -> str:
        """A link inside the page, carrying the language and the date asked."""
        query = {name: value for name, value in params.items() if value is not None}
        query["lang"] = self.lang
        if self.day_param is not None:
            query["date"] = self.day_param
        return f"{self.path(path)}?{urlencode(query)}"

    def switch(self, lang: str) -> str:
        """This very page in another language."""
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        query.append(("lang", lang))
        return f"{self.request.url.path}?{urlencode(query)}"

    def path(self, path: str) -> str:
        """A path inside the page, without a query (a form's ``action``)."""
        return str(self.request.scope.get("root_path", "")).rstrip("/") + path

    def asset(self, name: str) -> str:
        return self.path(f"/static/{name}")

    def helpers(self) -> dict[str, object]:
        """The template's words and formatters, in the page's language."""
        lang = self.lang
        functions: dict[str, Callable[..., object]] = {
            "_": partial(t, lang),
            "label": partial(label, lang),
            "money": partial(format_money, lang=lang),
            "day": partial(format_date, lang=lang),
            "month": partial(month_name, lang=lang),
            "months": partial(format_month_list, lang=lang),
            "month_count": partial(format_month_count, lang=lang),
            "period": _bank_period,
            "explain": partial(explain, lang=lang),
            "explain_public": partial(explain_public, lang=lang),
            "no_records": partial(no_records, self.day, lang),
            "url": self.url,
            "switch": self.switch,
            "path": self.path,
            "asset": self.asset,
            "fund_details": partial(
                fragments.fund_details, beneficiary=beneficiary(lang), lang=lang
            ),
        }
        for name in _FRAGMENTS:  # worded once for the card, the bot and the page
            functions[name] = partial(getattr(fragments, name), lang=lang)
        return {
            **functions,
            "lang": lang,
            "languages": LANGUAGE_NAMES,
            "day_param": self.day_param,
            "fund_name": FUND_NAMES[lang],
            "call_centre": CALL_CENTRE,
            "fund_site": FUND_SITE,
            "separate_payments": fragments.SEPARATE_PAYMENTS,
            "demo": is_demo(self.request),
        }


def _bank_period(value: MonthLike) -> str:
    """The month as a bank form asks for it: ``10.2022``.

    >>> _bank_period(date(2022, 10, 1))
    '10.2022'
    """
    return f"{value.month:02d}.{value.year}"


def seconds_to_wait(page: Page) -> int | None:
    """Seconds this address must wait when it has asked too much, else None (every look-up
    and calculation of the page counts against the public rate limit)."""
    limiter: RateLimiter | None = getattr(page.request.app.state, "limiter", None)
    if limiter is None:
        return None
    client = page.request.client
    per_minute = settings(page.request).public_rate_limit_per_minute
    wait = limiter.hit(ip_key(client.host if client else None), per_minute)
    return None if wait is None else max(1, math.ceil(wait))


def too_many_checks(lang: str) -> str:
    """The request to wait, told where the answer would be."""
    return t(lang, "Too many checks in a short time: please try again in a minute.")


_DEMO_MARKER: Final = "demo.build"
"""The audit action ``osms demo`` records when it builds its registry
(:data:`osms.demo.build.MARKER`)."""


def is_demo(request: Request) -> bool:
    """Whether the page serves synthetic data: ``OSMS_DEMO`` when set, else whether the
    registry holds the demo build's marker (asked once per application)."""
    state = request.app.state
    configured: bool | None = getattr(state.settings, "demo", None)
    if configured is not None:
        return configured
    found: bool | None = getattr(state, "demo_marker", None)
    if found is None:
        try:
            # Read-only: a page renders inside its look-up's transaction, which holds SQLite's
            # write lock; a deferred read never waits for it.
            found = holds_action(state.engine, _DEMO_MARKER)
        except SQLAlchemyError:
            return False  # asked again on the next page, when the database is back
        state.demo_marker = found
    return found


def render(
    page: Page,
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: object,
) -> HTMLResponse:
    """The template as a page: language headers, no caching (the page is about one person),
    no script, no referrer; the language remembered when it was chosen with the switch."""
    defaults: dict[str, object] = {"iin": None, "error": None, "error_field": "iin"}
    # Only a value the person typed can be wrong: a refusal to wait (429) or an outage (503)
    # is told in the same place but never marks the IIN as invalid.
    defaults["invalid"] = status_code == 422
    html = TEMPLATES.get_template(template).render(**page.helpers(), **{**defaults, **context})
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = page.lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(SECURITY_HEADERS)
    if headers:
        response.headers.update(headers)
    if page.chosen:
        response.set_cookie(
            LANG_COOKIE, page.lang, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="lax"
        )
    return response
