"""Loading the parameter files: schema validation and the override folder (R-P-3).

Each ``data/parameters/<name>.yaml`` is checked field by field on load (a
:class:`~osms.rules.parameters.model.ParameterFileError` names the file and the field), then
the files of ``OSMS_PARAMETERS_DIR`` are validated the same way and merged in by ``from`` date.
The format is described in :mod:`osms.rules.parameters`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeAlias, cast

import yaml

from osms.rules.month import InvalidMonth, Month
from osms.rules.parameters.model import (
    DECIMAL_UNITS,
    INT_UNITS,
    UNITS,
    Parameter,
    ParameterFileError,
    Parameters,
    ParameterValue,
    Unit,
    Value,
)

PARAMETERS_DIR_ENV = "OSMS_PARAMETERS_DIR"
"""The environment variable naming the folder that extends the packaged parameters (R-P-3)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER_FIELDS = (
    "description",
    "unit",
    "until",
    "open_ended",
    "carried_forward",
    "incomplete",
    "notes",
)
_TOP_FIELDS = frozenset(_HEADER_FIELDS)
_VALUE_FIELDS = ("from", "value", "reference", "last_checked")


_Fail: TypeAlias = Callable[[str, str], "ParameterFileError"]


_Documents: TypeAlias = dict[str, tuple[object, str]]
"""Parameter name → (the loaded YAML document, the label errors name it by)."""


def _read_documents(directory: Traversable, label: Callable[[Traversable], str]) -> _Documents:
    documents: _Documents = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if not entry.is_file() or not entry.name.endswith(".yaml"):
            continue
        try:
            document = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ParameterFileError(label(entry), "(yaml)", f"not valid YAML: {error}") from None
        except UnicodeDecodeError as error:
            where = f"byte 0x{error.object[error.start]:02x} at offset {error.start}"
            raise ParameterFileError(label(entry), "(yaml)", f"not UTF-8: {where}") from None
        documents[entry.name.removesuffix(".yaml")] = (document, label(entry))
    return documents


def load_parameters_from(
    directory: Traversable, overrides: Traversable | None = None
) -> Parameters:
    """Load and validate every ``*.yaml`` file of ``directory`` (a path or a package folder),
    then merge in the files of ``overrides`` (R-P-3, see the module text)."""
    packaged = _read_documents(directory, lambda entry: f"{directory.name}/{entry.name}")
    loaded = {name: _parse(name, document, label) for name, (document, label) in packaged.items()}
    if overrides is not None:
        for name, (document, label) in _read_documents(overrides, str).items():
            own = _parse(name, document, label)  # validated exactly like a packaged file
            if name in packaged:
                base = loaded[name]
                if own.unit != base.unit:
                    raise ParameterFileError(
                        label, "unit", f"{own.unit} differs from the packaged {base.unit}"
                    )
                merged = _merge(cast(dict[str, Any], packaged[name][0]), document)
                own = _parse(name, merged, f"{label} (merged with the packaged {name}.yaml)")
            loaded[name] = own
    return Parameters(loaded.values())


def _merge(packaged: Mapping[str, Any], override: Any) -> dict[str, Any]:
    """The packaged document with the override's header fields and values (by ``from``)."""
    merged = {key: value for key, value in packaged.items() if key != "values"}
    merged.update({key: override[key] for key in _HEADER_FIELDS if key in override})
    until, later = packaged["until"], override["until"]
    merged["until"] = None if until is None or later is None else max(until, later)
    if merged["until"] is None:
        for key in ("incomplete", "carried_forward"):
            merged.pop(key, None)
    else:
        merged.pop("open_ended", None)
    by_start = {value["from"]: value for value in packaged["values"]}
    by_start.update({value["from"]: value for value in override["values"]})
    merged["values"] = [by_start[start] for start in sorted(by_start)]
    return merged


def override_folder() -> Path | None:
    """The folder named by ``OSMS_PARAMETERS_DIR``, or ``None`` when it is not set."""
    raw = os.environ.get(PARAMETERS_DIR_ENV, "").strip()
    if not raw:
        return None
    folder = Path(raw).expanduser()
    if not folder.is_dir():
        raise ParameterFileError(raw, PARAMETERS_DIR_ENV, "not a folder")
    return folder


@lru_cache(maxsize=1)
def load_parameters() -> Parameters:
    """The packaged parameters with those of ``OSMS_PARAMETERS_DIR`` (read and validated once;
    :func:`reload` reads them again)."""
    return load_parameters_from(files("osms.rules") / "data" / "parameters", override_folder())


_RELOAD_HOOKS: list[Callable[[], None]] = []


def on_reload(hook: Callable[[], None]) -> Callable[[], None]:
    """Call ``hook`` on :func:`reload`: for a module that keeps what it derived from the
    parameters (the calendar's years registers here)."""
    _RELOAD_HOOKS.append(hook)
    return hook


def reload() -> None:
    """Forget every loaded parameter, derived amount and calendar year: the next query reads
    the packaged files and ``OSMS_PARAMETERS_DIR`` again (R-P-3)."""
    for hook in _RELOAD_HOOKS:
        hook()


def check_coverage(years: Iterable[int], parameters: Parameters | None = None) -> list[str]:
    """:meth:`Parameters.check_coverage` on the loaded parameters (or on ``parameters``).

    >>> check_coverage(range(2020, 2027))
    []
    >>> check_coverage([2027])
    ['monthly_calculation_index: no value from 2027-01-01 (year 2027 asked; values known until \
2026-12-31)']
    """
    table = parameters if parameters is not None else load_parameters()
    return table.check_coverage(years)


def _parse(name: str, document: object, label: str) -> Parameter:
    def fail(field: str, problem: str) -> ParameterFileError:
        return ParameterFileError(label, field, problem)

    if not _NAME.match(name):
        raise fail("(file name)", "must be lower_snake_case.yaml")
    if not isinstance(document, dict):
        raise fail("(document)", "must be a mapping of fields")
    for key in document:
        if key not in _TOP_FIELDS and key != "values":
            raise fail(str(key), "unknown field")
    description = _text(document.get("description"), "description", fail)
    unit = document.get("unit")
    if unit not in UNITS:
        raise fail("unit", f"must be one of {' | '.join(UNITS)}, got {unit!r}")
    if "until" not in document:
        raise fail("until", "required: the last date the values are known, or null")
    until = document["until"]
    open_ended = None
    if until is None:
        open_ended = _text(
            document.get("open_ended"), "open_ended", fail, "required with until: null"
        )
        if unit == "KZT":
            raise fail("until", "a KZT amount is set for a period: give the last date known")
    else:
        until = _date(until, "until", fail)
        if "open_ended" in document:
            raise fail("open_ended", "only allowed with until: null")
    incomplete = None
    if "incomplete" in document:
        if until is None:
            raise fail("incomplete", "only allowed with an until date")
        incomplete = _text(document["incomplete"], "incomplete", fail)
    carried_forward = None
    if "carried_forward" in document:
        if until is None:
            raise fail("carried_forward", "only allowed with an until date")
        if incomplete is not None:
            raise fail("carried_forward", "a parameter is either incomplete or carried forward")
        carried_forward = _text(document["carried_forward"], "carried_forward", fail)
    if "notes" in document:
        _text(document["notes"], "notes", fail)
    raw_values = document.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        raise fail("values", "must be a non-empty list")
    values: list[ParameterValue] = []
    for i, raw in enumerate(raw_values):
        where = f"values[{i}]"
        if not isinstance(raw, dict):
            raise fail(where, "must be a mapping with from, value, reference, last_checked")
        for key in raw:
            if key not in _VALUE_FIELDS:
                raise fail(f"{where}.{key}", "unknown field")
        for key in _VALUE_FIELDS:
            if key not in raw:
                raise fail(f"{where}.{key}", "required")
        start = _date(raw["from"], f"{where}.from", fail)
        if values and start <= values[-1].start:
            raise fail(
                f"{where}.from",
                f"{start} must be after the previous value's from ({values[-1].start})",
            )
        value: Value | None = None
        if raw["value"] is not None:
            value = _value(cast(Unit, unit), raw["value"], f"{where}.value", fail)
        elif i == 0 or i == len(raw_values) - 1:
            raise fail(
                f"{where}.value",
                "a gap (null) lies between two values; before the first or after the last "
                "nothing is known anyway (use until)",
            )
        reference = _text(raw["reference"], f"{where}.reference", fail)
        last_checked = _date(raw["last_checked"], f"{where}.last_checked", fail)
        values.append(ParameterValue(start, value, reference, last_checked))
    if until is not None and until < values[-1].start:
        raise fail("until", f"{until} is before the last value's from ({values[-1].start})")
    return Parameter(
        name=name,
        description=description,
        unit=cast(Unit, unit),
        until=until,
        open_ended=open_ended,
        incomplete=incomplete,
        values=tuple(values),
        starts=tuple(v.start for v in values),
        carried_forward=carried_forward,
    )


def _text(raw: object, field: str, fail: _Fail, problem: str = "must be a non-empty text") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise fail(field, problem)
    return raw.strip()


def _date(raw: object, field: str, fail: _Fail) -> date:
    if not isinstance(raw, date) or isinstance(raw, datetime):
        raise fail(field, f"must be a date YYYY-MM-DD, got {raw!r}")
    return raw


def _value(unit: Unit, raw: object, field: str, fail: _Fail) -> Value:
    if unit in DECIMAL_UNITS:
        return _decimal(unit, raw, field, fail)
    if unit in INT_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise fail(field, f"must be a whole number ≥ 0 for unit {unit}, got {raw!r}")
        if unit == "day_of_month" and not 1 <= raw <= 31:
            raise fail(field, f"must be a day of the month 1..31, got {raw}")
        return raw
    if unit == "date":
        return _date(raw, field, fail)
    if unit == "month":
        return _month(raw, field, fail)
    # month_range
    if not isinstance(raw, dict) or set(raw) != {"first", "last"}:
        raise fail(field, "must be a mapping {first: YYYY-MM, last: YYYY-MM}")
    first = _month(raw["first"], f"{field}.first", fail)
    last = _month(raw["last"], f"{field}.last", fail)
    if last < first:
        raise fail(f"{field}.last", f"{last} is before first {first}")
    return (first, last)


def _decimal(unit: str, raw: object, field: str, fail: _Fail) -> Decimal:
    if isinstance(raw, float):
        raise fail(field, f'write {raw!r} as quoted decimal text (e.g. "0.05") to keep it exact')
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise fail(field, f"must be a number for unit {unit}, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(field, f"not a decimal number: {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise fail(field, f"must be a finite number ≥ 0, got {raw!r}")
    if unit == "rate" and value > 1:
        raise fail(field, f"a rate is a fraction ≤ 1 (5 % is 0.05), got {raw!r}")
    if unit == "percent" and value > 100:
        raise fail(field, f"a percent is ≤ 100, got {raw!r}")
    return value


def _month(raw: object, field: str, fail: _Fail) -> Month:
    if not isinstance(raw, str):
        raise fail(field, f'must be a month as text "YYYY-MM", got {raw!r}')
    try:
        return Month.parse(raw)
    except InvalidMonth as error:
        raise fail(field, str(error)) from None
