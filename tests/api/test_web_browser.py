"""The citizen page end to end: the real app under Uvicorn, driven in headless Chromium.

The browser is Debian's ``/usr/bin/chromium`` launched by Playwright (its own browser download
is not used).  Without it the tests are skipped, except with ``CI=true``, where they fail.
Screenshots are saved in ``artifacts/screenshots/`` at the repository root (git-ignored): an
insured, a grace, a debtor, an unknown and a state-paid person at a phone's and a desktop's
width.  axe-core (vendored in ``tests/api/axe/``, MPL-2.0) checks every page at both widths:
no serious or critical accessibility violation.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.i18n import label, t
from osms.registry import migrate
from osms.registry.db import make_engine, make_session_factory
from osms.rules.calculator import FUND, calculate
from tests.api.public_people import BY_NAME, ON, PEOPLE
from tests.api.test_web import CHILD, PREPAID, PREPAID_FACTS
from tests.conftest import _store_facts  # the module's database outlives one test's fixture

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"

GRACE_DAY = "2023-12-05"  # the last grace month: insured, status ends next month (amber)
DEBT_DAY = "2024-01-15"  # four months unpaid: uninsured (red)
PREPAID_DAY = "2022-10-20"  # the day the prepaid status appears (green)


def _require_chromium() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            problem = f"playwright is not installed ({error})"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {problem}: the browser tests must run in CI", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over a migrated SQLite file, served by Uvicorn in a thread: its base URL."""
    _require_chromium()
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'osms.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        _store_facts(session, PREPAID_FACTS)
        for person in PEOPLE:
            if person.facts is not None:
                _store_facts(session, person.facts)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    app = create_app(engine, ApiSettings(public_rate_limit_per_minute=10_000))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(
        target=uvicorn_server.run, kwargs={"sockets": [listener]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("Uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        engine.dispose()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _page(browser: Browser, **options: object) -> Page:
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context.new_page()


def _fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll}px wide on a {width}px screen"


def test_type_an_iin_read_the_card_and_the_calculator(
    browser: Browser, server: str, screenshots: Path
) -> None:
    page = _page(browser, locale="kk-KZ", viewport={"width": 1000, "height": 900})
    page.goto(f"{server}/?date={GRACE_DAY}")
    assert page.get_attribute("html", "lang") == "kk"
    page.fill("#iin", PREPAID)
    page.click("form.check button[type=submit]")
    page.wait_for_selector("#card")
    assert page.inner_text("#status-word").strip() == "САҚТАНДЫРЫЛҒАН"
    assert "card--warning" in (page.get_attribute("#card", "class") or "")
    card = page.inner_text("#card")
    assert label("kk", "reason", "grace") in card
    assert t("kk", "Status ends next month: pay now to keep it") in card
    assert page.locator("#payments").count() == 0  # RULES.md §11: no payments in public
    assert page.locator("#debt tbody tr").count() == 3
    page.screenshot(path=str(screenshots / "status-kk-grace.png"), full_page=True)

    page.click("#to-calculator")
    page.wait_for_selector(".option")
    expected = calculate(PREPAID_FACTS, date.fromisoformat(GRACE_DAY))
    assert expected.recommended is not None
    summary = page.inner_text("#recommended")
    assert t("kk", "Recommended") in summary
    assert label("kk", "option", expected.recommended.value) in summary
    recommended = page.locator(".option--recommended")
    assert recommended.count() == 1
    assert recommended.get_attribute("data-option") == expected.recommended.value
    assert page.locator(".option").count() == len(expected.options)
    page.screenshot(path=str(screenshots / "calculator-kk.png"), full_page=True)

    recommended.locator(".option__plan a").click()
    page.wait_for_selector("#plan")
    option = expected.option(expected.recommended)
    assert option is not None
    assert page.locator("#plan tbody tr").count() == len(option.plan)
    first = page.locator("#plan tbody tr").first.inner_text()
    assert PREPAID in first and "122" in first
    fund = page.inner_text("#fund")
    assert FUND.iik in fund and FUND.bin in fund and FUND.bic in fund
    page.screenshot(path=str(screenshots / "plan-kk.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".top").is_visible()  # the print stylesheet hides the bars
    page.screenshot(path=str(screenshots / "plan-kk-print.png"), full_page=True)
    page.context.close()


def test_switch_language_and_it_is_remembered(
    browser: Browser, server: str, screenshots: Path
) -> None:
    page = _page(browser, locale="kk-KZ", viewport={"width": 1000, "height": 900})
    page.goto(f"{server}/status?iin={PREPAID}&date={DEBT_DAY}")
    assert page.inner_text("#status-word").strip() == "САҚТАНДЫРЫЛМАҒАН"
    assert "card--uninsured" in (page.get_attribute("#card", "class") or "")
    assert page.inner_text("#why-title") == t("kk", "Why")
    page.screenshot(path=str(screenshots / "status-kk-debt.png"), full_page=True)

    page.click("nav.languages a[hreflang=ru]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("#status-word").strip() == "НЕ ЗАСТРАХОВАН"
    assert page.inner_text("#why-title") == "Почему"
    assert page.inner_text("#debt-title") == "Задолженность"
    assert label("ru", "reason", "debt") in page.inner_text("#card")
    assert page.input_value("#iin") == PREPAID
    page.screenshot(path=str(screenshots / "status-ru-debt.png"), full_page=True)

    page.click("nav.languages a[hreflang=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#status-word").strip() == "NOT INSURED"
    assert page.inner_text("#debt-title") == "Debt"
    page.screenshot(path=str(screenshots / "status-en-debt.png"), full_page=True)

    page.click("#to-calculator")
    assert page.inner_text("h1").startswith("What to pay on")
    page.goto(f"{server}/")  # no ?lang=: the cookie remembers English over kk-KZ
    assert page.get_attribute("html", "lang") == "en"
    page.context.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_page_fits_a_phone(
    browser: Browser, server: str, screenshots: Path, lang: str
) -> None:
    page = _page(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    for name, path in [
        ("form", f"/?lang={lang}"),
        ("status", f"/status?iin={PREPAID}&date={DEBT_DAY}&lang={lang}"),
        ("status-grace", f"/status?iin={PREPAID}&date={GRACE_DAY}&lang={lang}"),
        ("status-child", f"/status?iin={CHILD}&date={DEBT_DAY}&lang={lang}"),
        ("calculator", f"/calculator?iin={PREPAID}&date={DEBT_DAY}&lang={lang}"),
        ("plan", f"/plan?iin={PREPAID}&option=prepay_now&date={DEBT_DAY}&lang={lang}"),
        ("error", f"/status?iin=900515300019&lang={lang}"),
    ]:
        page.goto(server + path)
        _fits(page, PHONE["width"])
        page.screenshot(path=str(screenshots / f"phone-{lang}-{name}.png"), full_page=True)
    page.context.close()


def test_everything_works_without_javascript(
    browser: Browser, server: str, screenshots: Path
) -> None:
    page = _page(
        browser, java_script_enabled=False, locale="ru-RU", viewport={"width": 1000, "height": 900}
    )
    page.goto(f"{server}/?date={PREPAID_DAY}")
    assert page.get_attribute("html", "lang") == "ru"
    page.fill("#iin", "900515300019")
    page.press("#iin", "Enter")
    page.wait_for_selector("#iin-error")
    assert page.inner_text("#iin-error") == "Неверная контрольная цифра ИИН: проверьте номер."
    page.screenshot(path=str(screenshots / "nojs-ru-error.png"), full_page=True)

    page.fill("#iin", PREPAID)
    page.click("form.check button[type=submit]")
    page.wait_for_selector("#card")
    assert page.inner_text("#status-word").strip() == "ЗАСТРАХОВАН"
    assert "card--insured" in (page.get_attribute("#card", "class") or "")
    page.screenshot(path=str(screenshots / "nojs-ru-status.png"), full_page=True)

    page.click("#to-calculator")
    page.wait_for_selector(".option")
    page.locator(".option").first.locator(".option__plan a").click()
    page.wait_for_selector("#plan")
    assert page.locator("#plan tbody tr").count() >= 1
    assert "Реквизиты для оплаты" in page.inner_text("#fund")
    page.click("nav.languages a[hreflang=kk]")
    page.wait_for_selector("#plan")
    assert page.inner_text("h1") == "Төлем жоспары"
    page.context.close()


# -- each kind of person, phone and desktop: screenshots and axe-core ------------------------

SHOWN = {
    "insured": "self_payer",
    "grace": "grace",
    "debtor": "debtor",
    "unknown": "unknown",
    "state-paid": "disabled",
}
"""Screenshot name → the person of :mod:`tests.api.public_people` it shows."""

SIZES = {"phone": PHONE, "desktop": DESKTOP}


def _sized_page(browser: Browser, size: str) -> Page:
    if size == "phone":
        return _page(
            browser,
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,  # only so that axe can be injected: the page itself has no script
        )
    return _page(browser, viewport=DESKTOP, bypass_csp=True)


def _serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page (WCAG 2.x A and AA)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => {
            const found = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                "best-practice"]},
            });
            return found.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )
    return [
        json.dumps(v, ensure_ascii=False) for v in results if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_kind_of_person_on_a_phone_and_a_desktop(
    browser: Browser, server: str, screenshots: Path, size: str, lang: str
) -> None:
    page = _sized_page(browser, size)
    width = SIZES[size]["width"]
    for shown, name in SHOWN.items():
        person = BY_NAME[name]
        page.goto(f"{server}/status?iin={person.iin}&date={ON}&lang={lang}")
        page.wait_for_selector("#card")
        assert page.locator("h1").count() == 1
        card = page.inner_text("#card")
        if shown == "unknown":
            assert "card--unknown" in (page.get_attribute("#card", "class") or "")
            assert "1414" in card
        if shown == "state-paid":
            assert label(lang, "reason", "category") in card
            assert label(lang, "category", "disabled") not in page.inner_text("body")
        _fits(page, width)
        if lang != "en" or size == "phone":
            page.screenshot(path=str(screenshots / f"{shown}-{lang}-{size}.png"), full_page=True)
        assert _serious_violations(page) == [], f"{shown} {lang} {size}"
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_other_pages_pass_axe(browser: Browser, server: str, size: str) -> None:
    page = _sized_page(browser, size)
    debtor = BY_NAME["debtor"].iin
    for path in (
        "/?lang=kk",
        f"/calculator?iin={debtor}&date={ON}&lang=kk",
        f"/plan?iin={debtor}&date={ON}&lang=ru",
        "/privacy?lang=en",
        "/status?iin=900515300019&lang=kk",  # a refused IIN: the error at the field
        f"/status?iin={debtor}&date=2024-13-01&lang=ru",  # a refused date
        "/no-such-page?lang=kk",  # the page's own 404
    ):
        page.goto(server + path)
        assert page.locator("h1").count() == 1, path
        assert _serious_violations(page) == [], path
    page.context.close()


def test_the_date_field_sends_the_date_without_javascript(browser: Browser, server: str) -> None:
    page = _page(browser, java_script_enabled=False, viewport=DESKTOP)
    page.goto(f"{server}/?lang=en")
    page.fill("#iin", BY_NAME["grace"].iin)
    page.fill("#date", ON.isoformat())
    page.click("form.check button[type=submit]")
    page.wait_for_selector("#card")
    assert f"date={ON}" in page.url
    assert t("en", "Status on {date}", date=ON) in page.inner_text("#card")
    assert page.input_value("#date") == ON.isoformat()
    page.context.close()


def test_the_accessibility_check_finds_what_it_should(browser: Browser, server: str) -> None:
    """axe-core really runs: a page with an unlabelled field and an image without text fails."""
    page = _sized_page(browser, "desktop")
    page.goto(f"{server}/privacy?lang=en")
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>t</h1><input type="text"><img src="data:,"></main></body></html>'
    )
    found = " ".join(_serious_violations(page))
    assert '"label"' in found and '"image-alt"' in found
    page.context.close()
