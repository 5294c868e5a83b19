"""Fill a registry with the demo population and book one sample MT102 register through intake.

:func:`build_demo` writes the people of :func:`osms.synthetic.people.generate` into an already
migrated registry (the caller migrates):

1. in one transaction, through the registry's bulk writers (a few thousand people and their
   ~70 000 payments in seconds on SQLite): the people with their names, their payer kinds,
   category periods (:mod:`osms.registry.people`, :mod:`osms.registry.categories`) and ledger
   items (:func:`osms.registry.ledger.book_many`, idempotency keys
   ``demo:<iin>:<period>:<n>``, *n* counting the person's items for that period); then,
   through the registry's own repositories, the approved temporary-status applications
   (:mod:`osms.registry.temporary`) and the approved refunds (:mod:`osms.registry.refunds`);
   and the marker, an audit event ``demo.build`` recording seed, size and date;
2. one MT102 register (``write_mt102`` into a temporary file) with this month's contribution
   of up to :data:`REGISTER_PAYERS` regular payers, plus three deliberately bad lines — a wrong
   IIN check digit, a period before 2020, a zero amount — booked by the real
   :func:`~osms.services.registers.book_register`: the good lines are booked, the bad ones rejected
   with ``line.invalid_iin``, ``line.period_too_early`` and ``line.amount_not_positive``.
   These payers' current month is left out of step 1: the register is what pays it.  The
   register comes from a bank (Halyk, BIN 940140000385): under R-L-6 a КНП 122 item paid by a
   BIN covers its month as an employer's would, so those months show as employer-covered;
   the status is the same (insured, regular).
3. the summary: the registry's counts, the booking report, and :func:`~osms.rules.status.decide`
   on ``today`` for every person of the registry (facts read in bulk by
   :func:`osms.registry.facts.load_all`).

**Building twice.**  The ledger is append-only (R-L-8; the database refuses to delete a
payment), so a demo is never wiped: on a registry that already holds the ``demo.build`` marker,
:func:`build_demo` writes no person and no payment.  It books the same register again — the
bytes are the same, so intake answers with the stored outcome (``resent``), or books it if an
earlier build stopped before it — and returns the summary of what is there, with
``already_built`` set.  Asking for a different seed, size or date on such a registry raises
:class:`DemoMismatch`: use a new database for another demo.  :func:`built_demo` tells which
demo a registry holds, so that ``osms demo`` can set an older day's demo aside and build today's.

**Today.**  A demo is built for a day, ``today`` (by default :func:`osms.clock.today`, the date
in Kazakhstan): its payment histories end on it and its people are what their profiles say on
it — the regular payer has paid this month, the last grace month is this month.  The page and
the API answer for their own today, so a demo is only true on the day it was built for.

**Its API key.**  :func:`demo_key` gives the registry's demo client (every scope) a new key
and revokes the one before: the key is shown once, like any key, and only its hash is kept.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    func,
    select,
)
from sqlalchemy.orm import Session

from osms import clock
from osms.intake.samples import SampleLine, write_mt102
from osms.registry import audit, categories, ledger, people, refunds, temporary
from osms.registry.columns import utc_now
from osms.registry.facts import load_all
from osms.registry.ledger import NewPayment
from osms.registry.models import (
    ApiClient,
    AuditEvent,
    Payment,
    Person,
    RefundReason,
)
from osms.rules.facts import (
    KNP,
    PayerKind,
    PaymentItem,
)
from osms.rules.month import Month
from osms.rules.parameters import liability_start
from osms.rules.pricing import month_price
from osms.rules.status import Decision, decide
from osms.rules.temporary import Document
from osms.services.clients import SCOPES, create_client, revoke_client
from osms.services.registers import BookingReport, book_register, report_lines
from osms.synthetic.draws import adult_month, latest_payday
from osms.synthetic.people import PROFILES, DemoPerson, generate
from osms.synthetic.profiles import EXPECTATIONS, Profile

__all__ = [
    "ACTOR",
    "BANK_BIC",
    "BANK_BIN",
    "CLIENT",
    "MARKER",
    "REGISTER_PAYERS",
    "BuiltDemo",
    "DemoMismatch",
    "DemoSummary",
    "Progress",
    "build_demo",
    "built_demo",
    "demo_key",
    "register_reference",
]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages: generate, people, payments, applications,
register, decide."""

MARKER = "demo.build"
"""The audit action that marks a registry holding a demo."""
ACTOR = "demo"
CLIENT = "demo"
"""The name of the demo's API client (:func:`demo_key`)."""
REGISTER_PAYERS = 200
"""How many regular payers the sample MT102 register pays for (all of them when fewer)."""
BANK_BIC = "HSBKKZKX"
BANK_BIN = "940140000385"
BANK_NAME = "АО «Народный Банк Казахстана»"
BANK_ACCOUNT = "KZ136010002009000001"
EXAMPLES_PER_PROFILE = 3


_RU_MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


class DemoMismatch(RuntimeError):
    """The registry already holds a demo built with another seed, size or date."""


@dataclass(frozen=True)
class DemoSummary:
    """What the registry holds after :func:`build_demo`.

    ``people`` and ``payments`` are the registry's row counts; ``by_status`` counts every
    person of the registry by the (status, reason) :func:`~osms.rules.status.decide` gives on
    ``today``.  ``examples`` names a few IINs per profile and ``example_decisions`` their
    (status, reason); ``unexpected`` lists demo people whose decision is not their profile's
    (:data:`~osms.synthetic.profiles.EXPECTATIONS`; empty unless someone changed their facts).
    """

    people: int
    payments: int
    booking: BookingReport
    by_status: dict[tuple[str, str], int]
    examples: dict[str, list[str]]
    example_decisions: dict[str, tuple[str, str]]
    profiles: dict[str, int]
    unexpected: list[str]
    seed: int
    today: date
    already_built: bool
    register_lines: int
    """Lines of the sample register (good and bad)."""
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    """Seconds per stage (generate, write, register, summary)."""

    def to_json(self) -> dict[str, Any]:
        """The summary as plain JSON values (for ``--json`` output)."""
        return {
            "people": self.people,
            "payments": self.payments,
            "seed": self.seed,
            "today": self.today.isoformat(),
            "already_built": self.already_built,
            "by_status": [
                {"status": status, "reason": reason, "count": count}
                for (status, reason), count in sorted(self.by_status.items())
            ],
            "profiles": dict(sorted(self.profiles.items())),
            "examples": {
                profile: [
                    {
                        "iin": iin,
                        "status": self.example_decisions[iin][0],
                        "reason": self.example_decisions[iin][1],
                    }
                    for iin in iins
                ]
                for profile, iins in self.examples.items()
            },
            "unexpected": list(self.unexpected),
            "register": {
                "reference": self.booking.reference,
                "status": self.booking.status,
                "lines": self.booking.lines,
                "booked": self.booking.booked,
                "duplicates": self.booking.duplicates,
                "rejected": self.booking.rejected,
                "resent": self.booking.resent,
                "rejections": [
                    {"line": o.line_no, "code": o.code, "iin": o.iin}
                    for o in self.booking.outcomes
                    if o.status == "rejected"
                ],
            },
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def register_reference(seed: int, today: date) -> str:
    """The sample register's ``:20:`` reference.

    >>> register_reference(2026, date(2026, 11, 22))
    'DEMO-20261122-2026'
    """
    return f"DEMO-{today:%Y%m%d}-{seed}"[:35]


def build_demo(
    engine: Engine,
    *,
    people: int = 3000,
    seed: int = 2026,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill the (migrated) registry with a demo population and return what it holds.

    ``people`` people are generated with ``seed`` as of ``today`` (default: today in
    Kazakhstan, :func:`osms.clock.today`; :func:`~osms.synthetic.people.generate`), written in
    bulk, and this month's sample MT102
    register is booked through intake; ``progress(stage, done, total)`` is told how far each
    stage got.  On a registry that already holds this demo nothing is written again and the
    summary of what is there comes back with ``already_built``; a demo with other arguments
    raises :class:`DemoMismatch`.  See the module text.
    """
    if people < 1:
        raise ValueError(f"a demo has at least one person, got {people}")
    today = today or clock.today()
    report = progress or _quiet
    timings: dict[str, float] = {}
    started = time.perf_counter()
    marker = _marker(engine)
    if marker is not None:
        _check_marker(marker, people=people, seed=seed, today=today)

    report("generate", 0, people)
    population = generate(people, seed, today)
    report("generate", people, people)
    plan = _RegisterPlan.of(population, today)
    timings["generate"] = _lap(started)

    if marker is None:
        step = time.perf_counter()
        _write_population(engine, population, plan, seed=seed, today=today, progress=report)
        timings["write"] = _lap(step)

    step = time.perf_counter()
    booking = _book_register(engine, plan, seed=seed, today=today, progress=report)
    timings["register"] = _lap(step)

    step = time.perf_counter()
    summary = _summarize(
        engine,
        population,
        booking,
        seed=seed,
        today=today,
        already_built=marker is not None,
        register_lines=len(plan.lines),
        progress=report,
    )
    timings["summary"] = _lap(step)
    timings["total"] = _lap(started)
    summary.timings.update(timings)
    return summary


# -- the marker -----------------------------------------------------------------------------


def _marker(engine: Engine) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(AuditEvent.detail)
            .where(AuditEvent.action == MARKER)
            .order_by(AuditEvent.id)
            .limit(1)
        ).first()
    return None if row is None else dict(row.detail)


@dataclass(frozen=True)
class BuiltDemo:
    """Which demo a registry holds: what :func:`build_demo` was asked for."""

    people: int
    seed: int
    today: date

    def differs(self, *, people: int, seed: int, today: date) -> list[str]:
        """What differs from a demo of ``people``, ``seed`` and ``today`` (empty: the same).

        >>> BuiltDemo(300, 2026, date(2026, 11, 22)).differs(
        ...     people=300, seed=2026, today=date(2026, 12, 7))
        ['built for 22.11.2026, not 07.12.2026']
        """
        found = []
        if self.today != today:
            found.append(f"built for {self.today:%d.%m.%Y}, not {today:%d.%m.%Y}")
        if self.people != people:
            found.append(f"{self.people} people, not {people}")
        if self.seed != seed:
            found.append(f"seed {self.seed}, not {seed}")
        return found


def built_demo(engine: Engine) -> BuiltDemo | None:
    """The demo the (migrated) registry holds, or None when it holds none."""
    marker = _marker(engine)
    if marker is None:
        return None
    return BuiltDemo(
        people=int(marker["people"]),
        seed=int(marker["seed"]),
        today=date.fromisoformat(str(marker["today"])),
    )


def _check_marker(marker: dict[str, Any], *, people: int, seed: int, today: date) -> None:
    asked = {"people": people, "seed": seed, "today": today.isoformat()}
    found = {key: marker.get(key) for key in asked}
    if found != asked:
        raise DemoMismatch(
            f"the registry already holds a demo built with {_describe(found)}; asked for "
            f"{_describe(asked)}. The ledger is append-only: use a new database for another demo."
        )


def _describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in values.items())


# -- the API key ------------------------------------------------------------------------------


def demo_key(engine: Engine) -> str:
    """A new key of the demo's API client, with every scope (:data:`CLIENT`).

    The key before it, if any, is revoked: a key is shown once and only its hash is kept, so
    each ``osms demo`` hands out a new one.  Creating and revoking are audited as for any client
    (``osms clients``).
    """
    with Session(engine) as session, session.begin():
        valid = session.scalars(
            select(ApiClient.key_prefix).where(
                ApiClient.name == CLIENT, ApiClient.revoked_at.is_(None)
            )
        ).all()
        for prefix in valid:
            revoke_client(session, prefix, ACTOR, door="demo")
        _client, key = create_client(session, CLIENT, SCOPES, ACTOR, door="demo")
    return key


# -- the sample register --------------------------------------------------------------------


@dataclass(frozen=True)
class _RegisterPlan:
    """The sample MT102: which regular payers it pays this month for, and its lines."""

    paid_on: date
    period: Month
    payers: frozenset[str]
    lines: tuple[SampleLine, ...]

    @classmethod
    def of(cls, population: Sequence[DemoPerson], today: date) -> _RegisterPlan:
        period = Month.of(today)
        regular = [p for p in population if p.profile is Profile.REGULAR_PAYER]
        chosen = regular[:REGISTER_PAYERS]
        # Paid on the last day whose payment is credited by today (R-T-3): the chosen payers
        # are insured for this month by today, as their own payments would have made them.
        paid_on = latest_payday(today)
        price = month_price(PayerKind.SELF_PAYER, period, paid_on)
        lines = [_line(p, p.iin, period, price) for p in chosen]
        good = len(lines)
        positions = (good // 4, good // 2, 3 * good // 4)
        for shift, (position, bad) in enumerate(
            zip(positions, _bad_lines(population, period, price), strict=True)
        ):
            lines.insert(position + shift, bad)
        return cls(paid_on, period, frozenset(p.iin for p in chosen), tuple(lines))


def _current_item(person: DemoPerson, period: Month) -> PaymentItem:
    return next(
        item
        for item in person.facts.payments
        if item.period == period and item.knp is KNP.CONTRIBUTION and item.payer == person.iin
    )


_ADULTS = (Profile.REGULAR_PAYER, Profile.DEBTOR, Profile.NEVER_PAID)


def _bad_lines(
    population: Sequence[DemoPerson], period: Month, amount: Decimal
) -> tuple[SampleLine, SampleLine, SampleLine]:
    """A wrong IIN check digit, a period before liability started (КНП 122) and a zero amount
    (R-L-3)."""
    adults = [p for p in population if p.profile in _ADULTS]
    donors = (adults or list(population)) * 3
    first, second, third = donors[0], donors[1], donors[2]
    wrong = first.iin[:11] + str((int(first.iin[11]) + 1) % 10)
    return (
        _line(first, wrong, period, amount),
        _line(second, second.iin, liability_start() - 1, amount),
        _line(third, third.iin, period, Decimal(0)),
    )


def _line(person: DemoPerson, iin: str, period: Month, amount: Decimal) -> SampleLine:
    """A register line paying ``amount`` for ``period`` under the person's names."""
    surname, given_name, patronymic = person.names
    return SampleLine(iin, period, amount, surname, given_name, patronymic, person.facts.birth_date)


def _book_register(
    engine: Engine, plan: _RegisterPlan, *, seed: int, today: date, progress: Progress
) -> BookingReport:
    total = len(plan.lines)
    done = 0

    def booked(lines: int) -> None:
        nonlocal done
        done += lines
        progress("register", done, total)

    month = plan.period
    with tempfile.TemporaryDirectory(prefix="osms-demo-") as directory:
        path = Path(directory) / "demo.mt102"
        write_mt102(
            path,
            plan.lines,
            sender_bic=BANK_BIC,
            reference=register_reference(seed, today),
            paid_on=plan.paid_on,
            knp=KNP.CONTRIBUTION,
            payer=BANK_BIN,
            payer_name=BANK_NAME,
            payer_account=BANK_ACCOUNT,
            document_number="1",
            purpose=f"Взносы на ОСМС за {_RU_MONTHS[month.month - 1]} {month.year} г.",
        )
        progress("register", 0, total)
        report = book_register(
            engine, path, actor=ACTOR, sender="halyk", progress=booked, door="demo"
        )
    if report.resent and report.register_id is not None:
        # A re-send answers a summary; the demo shows its few rejected lines again.
        report.outcomes = report_lines(
            engine, report.register_id, 0, report.recorded, actor=ACTOR, channel="demo"
        )
    return report


# -- writing the population -----------------------------------------------------------------


def _write_population(
    engine: Engine,
    population: Sequence[DemoPerson],
    plan: _RegisterPlan,
    *,
    seed: int,
    today: date,
    progress: Progress,
) -> None:
    """The population through the registry's bulk writers, in one transaction."""
    now = utc_now()
    month = Month.of(today)
    person_rows: list[dict[str, Any]] = []
    kind_rows: list[dict[str, Any]] = []
    category_rows: list[dict[str, Any]] = []
    payments: list[NewPayment] = []
    refund_keys: dict[str, tuple[DemoPerson, int]] = {}
    for person in population:
        facts = person.facts
        person_rows.append(
            {
                "iin": facts.iin,
                "surname": person.names.surname,
                "given_name": person.names.given_name,
                "patronymic": person.names.patronymic,
                "birth_date": facts.birth_date,
                "created_at": now,
            }
        )
        liable = max(liability_start(), adult_month(facts.birth_date) + 1)
        if liable <= month:
            kind_rows.append(
                {"iin": facts.iin, "first_period": liable, "kind": facts.kind, "last_period": None}
            )
        category_rows.extend(
            {
                "iin": facts.iin,
                "category": period.category,
                "first_period": period.first,
                "last_period": period.last,
                "source": f"{ACTOR}:{period.category}",
                "created_at": now,
            }
            for period in facts.categories
        )
        refunded = {refund.item: refund for refund in person.refunds}
        paid_by_register = _current_item(person, plan.period) if facts.iin in plan.payers else None
        counts: dict[Month, int] = {}
        for index, item in enumerate(facts.payments):
            if item is paid_by_register:
                continue  # the sample register pays it
            n = counts.get(item.period, 0)
            counts[item.period] = n + 1
            key = ledger.item_key(ACTOR, facts.iin, item.period, n)
            if index in refunded:
                refund_keys[key] = (person, index)
            payments.append(NewPayment.of_item(facts.iin, item, key, reference=key))

    # In key order: the indexes (IIN, period; idempotency key) grow at their ends.
    person_rows.sort(key=lambda row: row["iin"])
    payments.sort(key=lambda payment: (payment.iin, payment.period, payment.idempotency_key))
    booked = 0

    def booking(rows: int) -> None:
        nonlocal booked
        booked += rows
        progress("payments", booked, len(payments))

    with Session(engine) as session, session.begin():
        connection = session.connection()
        people.add_many(connection, person_rows, lambda done, all: progress("people", done, all))
        people.add_payer_kinds(connection, kind_rows)
        categories.add_many(connection, category_rows)
        if not payments:
            progress("payments", 0, 0)
        ledger.book_many(connection, payments, progress=booking)
        _applications(session, population, refund_keys, progress)
        audit.record(
            session,
            ACTOR,
            MARKER,
            None,
            f"synthetic demo population of {len(population)} people (seed {seed}) as of {today}",
            {
                "people": len(population),
                "seed": seed,
                "today": today.isoformat(),
                "payments": len(payments),
                "register": register_reference(seed, today),
            },
        )


def _applications(
    session: Session,
    population: Sequence[DemoPerson],
    refund_keys: dict[str, tuple[DemoPerson, int]],
    progress: Progress,
) -> None:
    """Temporary-status grants and refunds, through the registry's own repositories."""
    granted = [(p, a) for p in population for a in p.applications]
    total = len(granted) + len(refund_keys)
    done = 0
    for person, application in granted:
        applied = temporary.apply(
            session,
            person.iin,
            application.category,
            [
                Document(
                    application.document_kind, application.document_number, application.issued_on
                )
            ],
            submitted_on=application.submitted_on,
            channel=application.channel,
        )
        temporary.approve(
            session, applied.id, decided_by=f"{ACTOR}:operator", granted_on=application.granted_on
        )
        done += 1
        progress("applications", done, total)
    found = session.execute(
        select(Payment.idempotency_key, Payment.id).where(
            Payment.idempotency_key.in_(list(refund_keys))
        )
    )
    ids = {key: payment_id for key, payment_id in found}
    for key, (person, index) in refund_keys.items():
        refund = next(r for r in person.refunds if r.item == index)
        refunded_on = person.facts.payments[index].refunded_on
        assert refunded_on is not None
        claim = refunds.apply(
            session, ids[key], RefundReason(refund.reason), applied_on=refund.applied_on
        )
        refunds.approve(session, claim.id, decided_by=f"{ACTOR}:operator", refunded_on=refunded_on)
        done += 1
        progress("applications", done, total)


# -- the summary ----------------------------------------------------------------------------


def _summarize(
    engine: Engine,
    population: Sequence[DemoPerson],
    booking: BookingReport,
    *,
    seed: int,
    today: date,
    already_built: bool,
    register_lines: int,
    progress: Progress,
) -> DemoSummary:
    with Session(engine) as session:
        people = session.scalar(select(func.count()).select_from(Person)) or 0
        payments = session.scalar(select(func.count()).select_from(Payment)) or 0
        registry = load_all(session)
    decisions: dict[str, Decision] = {}
    for done, (iin, facts) in enumerate(registry.items(), start=1):
        decisions[iin] = decide(facts, today)
        if done % 1000 == 0 or done == len(registry):
            progress("decide", done, len(registry))
    by_status = Counter((d.status.value, d.reason.value) for d in decisions.values())
    examples: dict[str, list[str]] = {profile: [] for profile in PROFILES}
    profiles: Counter[str] = Counter()
    unexpected: list[str] = []
    for person in population:
        profiles[person.profile] += 1
        if len(examples[person.profile]) < EXAMPLES_PER_PROFILE:
            examples[person.profile].append(person.iin)
        decision = decisions.get(person.iin)
        if decision is None or not EXPECTATIONS[person.profile].met_by(decision):
            unexpected.append(person.iin)
    examples = {profile: iins for profile, iins in examples.items() if iins}
    example_decisions = {
        iin: (decisions[iin].status.value, decisions[iin].reason.value)
        for iins in examples.values()
        for iin in iins
        if iin in decisions
    }
    return DemoSummary(
        people=people,
        payments=payments,
        booking=booking,
        by_status=dict(sorted(by_status.items())),
        examples=examples,
        example_decisions=example_decisions,
        profiles=dict(sorted(profiles.items())),
        unexpected=unexpected,
        seed=seed,
        today=today,
        already_built=already_built,
        register_lines=register_lines,
    )


# -- small helpers --------------------------------------------------------------------------


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress: say nothing."""


def _lap(since: float) -> float:
    return time.perf_counter() - since
