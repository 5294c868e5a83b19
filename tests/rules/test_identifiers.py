"""IIN (R-IIN-1..3) and BIN (R-BIN-1): vectors, one test per error code, properties.

The check digit is recomputed here by an independent oracle (``_oracle_check``) so the
generators do not trust the code under test.

About the "one changed digit" property: R-IIN-2 cannot detect every single-digit change.
The first-pass weight of digit 11 is 11 ≡ 0 (mod 11), so for a number checked in the first
pass digit 11 can be anything (900515300018 and 900515300028 are both valid).  And a change
that moves the number from one pass to the other can land on the same check digit
(880101300111, second pass, and 890101300111, first pass, are both valid).  The property tests
therefore assert detection for every change outside these two blind spots, and separate tests
pin the blind spots down so that nobody "fixes" the algorithm to make them disappear.
"""

from __future__ import annotations

import datetime
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from osms.rules import bin as kzbin
from osms.rules import iin
from osms.rules.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    RuleError,
    ValidationError,
)

# --- independent oracle for R-IIN-2 -------------------------------------------------------

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def _remainder(first11: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11


def _pass_used(first11: str) -> int | None:
    """1 or 2 for the pass that yields the check digit, None when never issued."""
    if _remainder(first11, _W1) != 10:
        return 1
    if _remainder(first11, _W2) != 10:
        return 2
    return None


def _oracle_check(first11: str) -> int | None:
    used = _pass_used(first11)
    if used is None:
        return None
    return _remainder(first11, _W1 if used == 1 else _W2)


def _with_check(first11: str) -> str:
    check = _oracle_check(first11)
    assert check is not None, f"{first11} is never issued; pick another prefix"
    return first11 + str(check)


def _checksum_blind_spot(original: str, mutated: str, position: int) -> bool:
    """Whether R-IIN-2 itself cannot see this single-digit change (0-based position)."""
    before = _pass_used(original[:11])
    after = _pass_used(mutated[:11])
    if position == 10 and before == 1:
        return True  # first-pass weight 11 ≡ 0 (mod 11)
    return after is not None and before != after


# --- strategies --------------------------------------------------------------------------

_CENTURY_DIGITS = {1800: ("1", "2"), 1900: ("3", "4"), 2000: ("5", "6")}


@st.composite
def generated_iins(draw: st.DrawFn) -> tuple[str, datetime.date, str]:
    """A valid IIN built from its parts (R-IIN-1), with its birth date and sex."""
    born = draw(st.dates(datetime.date(1800, 1, 1), datetime.date(2099, 12, 31)))
    sex = draw(st.sampled_from(["male", "female"]))
    male_digit, female_digit = _CENTURY_DIGITS[born.year // 100 * 100]
    serial = draw(st.integers(0, 9999))
    first11 = f"{born:%y%m%d}{male_digit if sex == 'male' else female_digit}{serial:04d}"
    check = _oracle_check(first11)
    assume(check is not None)  # never-issued prefix (R-IIN-2)
    return first11 + str(check), born, sex


@st.composite
def generated_bins(draw: st.DrawFn) -> str:
    """A valid BIN (R-BIN-1): any YYMM, entity type 4/5/6, any attribute and serial."""
    yymm = draw(st.integers(0, 9999))
    entity = draw(st.sampled_from("456"))
    rest = draw(st.integers(0, 999999))
    first11 = f"{yymm:04d}{entity}{rest:06d}"
    check = _oracle_check(first11)
    assume(check is not None)
    return first11 + str(check)


def _mutate(number: str, position: int, shift: int) -> str:
    """Replace one digit by a different digit (shift is 1-9)."""
    new = str((int(number[position]) + shift) % 10)
    return number[:position] + new + number[position + 1 :]


positions = st.integers(0, 11)
shifts = st.integers(1, 9)
separators = st.text(alphabet=" -.", max_size=2)

# --- IIN vectors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "born", "sex", "century"),
    [
        ("900515300018", datetime.date(1990, 5, 15), "male", 1900),
        ("850312401235", datetime.date(1985, 3, 12), "female", 1900),
        ("000101500011", datetime.date(2000, 1, 1), "male", 2000),
        ("880101300111", datetime.date(1988, 1, 1), "male", 1900),  # second pass
    ],
)
def test_valid_iin_vectors(number: str, born: datetime.date, sex: iin.Sex, century: int) -> None:
    assert iin.validate(number) == number
    assert iin.is_valid(number)
    assert iin.birth_date(number) == born
    assert iin.sex(number) == sex
    assert iin.century(number) == century
    assert iin.describe(number) == iin.IINInfo(
        iin=number, birth_date=born, sex=sex, century=century
    )


def test_second_pass_vector_really_uses_the_second_pass() -> None:
    assert _remainder("88010130011", _W1) == 10
    assert _pass_used("88010130011") == 2


@pytest.mark.parametrize("last", list(string.digits))
def test_never_issued_for_every_check_digit(last: str) -> None:
    number = "88010130010" + last
    with pytest.raises(InvalidChecksum) as caught:
        iin.validate(number)
    assert caught.value.code == "iin.never_issued"
    assert "88010130010" in str(caught.value)
    assert not iin.is_valid(number)


@pytest.mark.parametrize(
    ("number", "error", "code", "message_part"),
    [
        ("900515300019", InvalidChecksum, "iin.checksum", "check digit is 9, expected 8"),
        ("123456789013", InvalidComponent, "iin.date", "month 34"),
        # fails the check digit and the date; the check digit is reported first
        ("123456789012", InvalidChecksum, "iin.checksum", "check digit is 2, expected 3"),
        ("90051530001", InvalidLength, "iin.length", "11 digits"),
        ("9005153000I8", InvalidFormat, "iin.format", "'I'"),
        ("", InvalidLength, "iin.length", "0 digits"),
        ("٩٠٠٥١٥٣٠٠٠١٨", InvalidFormat, "iin.format", "0-9"),  # Arabic-Indic digits
    ],
)
def test_invalid_iin_vectors(
    number: str, error: type[ValidationError], code: str, message_part: str
) -> None:
    with pytest.raises(error) as caught:
        iin.validate(number)
    assert type(caught.value) is error
    assert caught.value.code == code
    assert message_part in str(caught.value)
    assert not iin.is_valid(number)


@pytest.mark.parametrize("digit7", ["0", "7", "8", "9"])
def test_century_digit_outside_1_to_6(digit7: str) -> None:
    serial = next(s for s in range(10000) if _oracle_check(f"900515{digit7}{s:04d}") is not None)
    number = _with_check(f"900515{digit7}{serial:04d}")
    with pytest.raises(InvalidComponent) as caught:
        iin.validate(number)
    assert caught.value.code == "iin.century"
    assert f"digit 7 (century and sex) is {digit7}" in str(caught.value)


@pytest.mark.parametrize(
    ("first11", "message_part"),
    [
        ("00022930001", "day 29 does not exist in 1900-02"),  # 1900 is not a leap year
        ("00022910001", "day 29 does not exist in 1800-02"),
        ("90043130001", "day 31 does not exist in month 4"),
        ("90000030001", "month 0"),
        ("90010030001", "day 0"),
    ],
)
def test_impossible_birth_dates(first11: str, message_part: str) -> None:
    number = _with_check(first11)
    with pytest.raises(InvalidComponent) as caught:
        iin.validate(number)
    assert caught.value.code == "iin.date"
    assert message_part in str(caught.value)


def test_29_february_2000_is_a_birth_date() -> None:
    number = _with_check("00022950001")
    assert iin.birth_date(number) == datetime.date(2000, 2, 29)


def test_exceptions_are_rule_errors_and_value_errors() -> None:
    with pytest.raises(RuleError) as caught:
        iin.validate("900515300019")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.field is None


def test_readers_validate_first() -> None:
    for reader in (iin.birth_date, iin.sex, iin.century, iin.describe):
        with pytest.raises(InvalidChecksum):
            reader("900515300019")


def test_compact_and_format() -> None:
    assert iin.compact(" 900515-300.018 ") == "900515300018"
    assert iin.format("900515300018") == "900515 300018"
    assert iin.validate("900515 300018") == "900515300018"


def test_iin_info_is_frozen() -> None:
    info = iin.describe("900515300018")
    with pytest.raises(AttributeError):
        info.sex = "female"  # type: ignore[misc]


# --- IIN blind spots of R-IIN-2 (documented, not bugs) ---------------------------------


@pytest.mark.parametrize("digit11", [d for d in string.digits if d != "1"])
def test_check_digit_does_not_protect_digit_11_in_the_first_pass(digit11: str) -> None:
    assert iin.is_valid("9005153000" + digit11 + "8")


def test_pass_switch_can_keep_the_check_digit() -> None:
    # 880101300111 is checked in the second pass; changing digit 2 to 9 switches to the
    # first pass, which happens to give the same check digit 1.
    assert iin.is_valid("880101300111")
    assert iin.is_valid("890101300111")


# --- IIN properties ----------------------------------------------------------------------


@given(generated_iins())
def test_generated_iins_are_valid_and_read_back(generated: tuple[str, datetime.date, str]) -> None:
    number, born, sex = generated
    assert iin.validate(number) == number
    assert iin.birth_date(number) == born
    assert iin.sex(number) == sex
    assert iin.century(number) == born.year // 100 * 100
    assert iin.describe(number).birth_date == born


@given(generated_iins())
def test_make_builds_the_number_from_its_parts(generated: tuple[str, datetime.date, str]) -> None:
    number, born, sex = generated
    assert iin.make(born, "male" if sex == "male" else "female", int(number[7:11])) == number


@given(st.dates(), st.sampled_from(iin.SEXES), st.integers(0, 9999))
def test_make_raises_exactly_when_no_number_is_issued(
    born: datetime.date, sex: iin.Sex, serial: int
) -> None:
    digits = _CENTURY_DIGITS.get(born.year // 100 * 100)
    try:
        number = iin.make(born, sex, serial)
    except InvalidComponent as error:
        assert (error.code, digits) == ("iin.century", None)
        return
    except InvalidChecksum as error:
        assert error.code == "iin.never_issued"
        assert digits is not None
        seventh = digits[sex == "female"]
        assert _oracle_check(f"{born:%y%m%d}{seventh}{serial:04d}") is None
        return
    assert iin.validate(number) == number
    assert (iin.birth_date(number), iin.sex(number)) == (born, sex)


@given(generated_iins(), positions, shifts)
def test_one_changed_digit_is_detected_outside_the_blind_spots(
    generated: tuple[str, datetime.date, str], position: int, shift: int
) -> None:
    number = generated[0]
    mutated = _mutate(number, position, shift)
    if not _checksum_blind_spot(number, mutated, position):
        assert not iin.is_valid(mutated)
    if position == 11:  # the check digit itself: always detected
        assert not iin.is_valid(mutated)


@given(generated_iins(), separators, separators)
def test_validate_of_format_round_trips(
    generated: tuple[str, datetime.date, str], before: str, after: str
) -> None:
    number = generated[0]
    assert iin.validate(iin.format(number)) == number
    assert iin.validate(before + iin.format(number) + after) == number


@given(st.text())
def test_iin_compact_is_idempotent(text: str) -> None:
    assert iin.compact(iin.compact(text)) == iin.compact(text)


@given(st.text())
def test_iin_is_valid_never_raises(text: str) -> None:
    assert iin.is_valid(text) in (True, False)


@given(st.text(alphabet=string.digits, min_size=12, max_size=12))
def test_any_twelve_digits_validate_or_raise_a_coded_error(number: str) -> None:
    try:
        assert iin.validate(number) == number
    except ValidationError as error:
        assert error.code in {
            "iin.date",
            "iin.century",
            "iin.checksum",
            "iin.never_issued",
        }


# --- BIN ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "160440007161",  # State Corporation "Government for Citizens"
        "160940025485",  # Social Health Insurance Fund
    ],
)
def test_real_bins_are_valid(number: str) -> None:
    assert kzbin.validate(number) == number
    assert kzbin.is_valid(number)
    assert kzbin.validate(kzbin.format(number)) == number


@pytest.mark.parametrize(
    ("number", "error", "code", "message_part"),
    [
        ("160440007162", InvalidChecksum, "bin.checksum", "check digit is 2, expected 1"),
        ("16044000716", InvalidLength, "bin.length", "11 digits"),
        ("1604400071610", InvalidLength, "bin.length", "13 digits"),
        ("16044000716x", InvalidFormat, "bin.format", "'x'"),
        ("160470007165", InvalidComponent, "bin.entity_type", "digit 5"),
        ("160440000610", InvalidChecksum, "bin.never_issued", "16044000061"),
    ],
)
def test_invalid_bin_vectors(
    number: str, error: type[ValidationError], code: str, message_part: str
) -> None:
    with pytest.raises(error) as caught:
        kzbin.validate(number)
    assert type(caught.value) is error
    assert caught.value.code == code
    assert message_part in str(caught.value)
    assert not kzbin.is_valid(number)


def test_bin_vectors_are_what_they_claim() -> None:
    assert _oracle_check("16047000716") == 5  # so only the entity type is wrong
    assert _oracle_check("16044000061") is None


@pytest.mark.parametrize("digit5", ["0", "1", "2", "3", "7", "8", "9"])
def test_bin_entity_type_outside_4_5_6(digit5: str) -> None:
    serial = next(s for s in range(10**6) if _oracle_check(f"1604{digit5}{s:06d}") is not None)
    number = _with_check(f"1604{digit5}{serial:06d}")
    with pytest.raises(InvalidComponent) as caught:
        kzbin.validate(number)
    assert caught.value.code == "bin.entity_type"


def test_bin_compact_and_format() -> None:
    assert kzbin.compact(" 1609.4002-5485 ") == "160940025485"
    assert kzbin.format("160940025485") == "160940 025485"


@given(generated_bins())
def test_generated_bins_are_valid(number: str) -> None:
    assert kzbin.validate(number) == number


@given(generated_bins(), positions, shifts)
def test_bin_one_changed_digit_is_detected_outside_the_blind_spots(
    number: str, position: int, shift: int
) -> None:
    mutated = _mutate(number, position, shift)
    if not _checksum_blind_spot(number, mutated, position):
        assert not kzbin.is_valid(mutated)
    if position == 11 or mutated[4] not in "456":  # check digit or entity type: always caught
        assert not kzbin.is_valid(mutated)


@given(generated_bins(), separators, separators)
def test_bin_validate_of_format_round_trips(number: str, before: str, after: str) -> None:
    assert kzbin.validate(before + kzbin.format(number) + after) == number


@given(st.text())
def test_bin_compact_is_idempotent(text: str) -> None:
    assert kzbin.compact(kzbin.compact(text)) == kzbin.compact(text)


def test_bin_blind_spot_digit_11() -> None:
    # 160440007161 is checked in the first pass, so digit 11 is not protected.
    assert _pass_used("16044000716") == 1
    assert kzbin.is_valid("160440007171")
