"""The codes records carry are checked as the national standards define them: the unified
social credit code's check character (GB 32100-2015), a facility's 16 digits (GB/T 30428.2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wangge.records.codes import (
    facility_class,
    facility_code_problem,
    facility_division,
    normalise_code,
    uscc_check_character,
    uscc_problem,
    validate_licence,
)
from wangge.records.tests.conftest import (
    ALIBABA,
    HUAWEI,
    MANHOLE,
    MINHANG_COMPANY,
    MINHANG_SHOP,
    STANDARD_EXAMPLE,
)


@pytest.mark.parametrize("code", [HUAWEI, ALIBABA, STANDARD_EXAMPLE, MINHANG_COMPANY, MINHANG_SHOP])
def test_real_credit_codes_pass(code: str) -> None:
    assert uscc_problem(code) is None


def test_the_standard_s_worked_example_has_check_character_3() -> None:
    # GB 32100-2015's example: 91350100M000100Y4 weighs 1640, 1640 mod 31 = 28, 31 - 28 = 3.
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert "should be 3" in (uscc_problem("91350100M000100Y4X") or "")


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (HUAWEI[:-1] + "7", "should be 6"),  # the last character mistyped
        (HUAWEI[:5] + HUAWEI[6] + HUAWEI[5] + HUAWEI[7:], "should be"),  # two swapped
        (HUAWEI[:-1], "18 characters, not 17"),
        ("91440300192203821O", "other than I, O, S, V"),  # the letter O for a nought
        ("9144A3001922038216", "digits in its 3rd to 8th places"),
    ],
)
def test_mistyped_credit_codes_are_caught(code: str, says: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None and says in problem


def test_a_licence_is_a_credit_code_or_an_old_15_digit_number() -> None:
    validate_licence(MINHANG_SHOP)
    validate_licence("310112000123456")
    for wrong in ("31011200012345", MINHANG_SHOP[:-1] + "4", "营业执照"):
        with pytest.raises(ValidationError):
            validate_licence(wrong)


def test_codes_typed_full_width_or_with_spaces_are_tidied() -> None:
    assert normalise_code("９１３１０１１２ma1gb4rd3n ") == MINHANG_COMPANY
    assert normalise_code("3101 1201 0100 0042") == MANHOLE


def test_a_facility_code_is_a_division_a_class_and_a_serial_number() -> None:
    assert facility_code_problem(MANHOLE) is None
    assert (facility_division(MANHOLE), facility_class(MANHOLE)) == ("310112", "0101")
    assert "16 digits" in (facility_code_problem(MANHOLE[:-1]) or "")
    assert "16 digits" in (facility_code_problem(MANHOLE[:-1] + "A") or "")
    # No province of GB/T 2260 starts with 99.
    assert "99" in (facility_code_problem("9901120101000042") or "")
