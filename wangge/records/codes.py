"""The codes grid records carry, checked as far as the national standards allow without asking
anyone: no database here.

**Unified social credit code** (统一社会信用代码, GB 32100-2015) of companies and, on business
licences since 2016, of shops: 18 characters from the digits and the capital letters without I,
O, S, V and Z; the 1st names the registration authority, the 2nd the kind of organisation, the 3rd
to 8th the authority's administrative division (GB/T 2260), the 9th to 17th the organisation
(its GB 11714 organisation code), and the 18th is a check character: each of the first 17
characters' values (0–30 in the order of the alphabet above) weighted by 3^(i-1) mod 31, the sum
taken mod 31, and the check is 31 minus that, 31 counting as 0. The check catches every single
wrong character and every swap of two neighbours, which are most typing mistakes.

Before 2016 a business licence carried a 15-digit registration number (注册号), still on the
licences of many small shops: those are taken as 15 digits, no more is checked.

**Facility code** (部件标识码, GB/T 30428.2 "管理部件和事件", after CJ/T 214): 16 digits,
the 6-digit administrative division of the county or district (GB/T 2260) that keeps the
facility, the 2-digit main class and 2-digit sub-class of the catalog (上水井盖 is 01 01), and
a 6-digit serial number within the sub-class. Checked here: 16 digits, and a division that
starts with a province of GB/T 2260. That the division is the district's own and that the class
is in the district's catalog is for the services to check, which know both.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_LENGTH = 18
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(USCC_LENGTH - 1)]
_USCC_SHAPE = re.compile(rf"[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}")
OLD_LICENCE_LENGTH = 15

FACILITY_CODE_LENGTH = 16
DIVISION_LENGTH = 6
CLASS_LENGTH = 4  # the main class's two digits and the sub-class's two
# The first two digits of GB/T 2260's divisions: the provinces, autonomous regions and
# municipalities, then Taiwan, Hong Kong and Macao.
PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65", "71", "81", "82"),
    }
)

# A shop's public code (on its QR sticker): read off a sticker by people, so without the
# letters that look like digits (Crockford's base 32); 8 characters are 40 bits, enough that
# codes are never guessed in order.
SHOP_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHOP_CODE_LENGTH = 8


def normalise_code(text: str) -> str:
    """A code as typed into a spreadsheet, made comparable: full-width characters (as Chinese
    input methods give them) as ASCII, spaces gone, letters in capitals."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def uscc_check_character(first17: str) -> str:
    """The check character (the 18th) of a unified social credit code's first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a unified social credit code, or None if it is one."""
    if len(code) != USCC_LENGTH:
        return _("A unified social credit code has 18 characters, not %(count)d.") % {
            "count": len(code)
        }
    if not _USCC_SHAPE.fullmatch(code):
        return _(
            "A unified social credit code has digits and capital letters other than I, O, S, V "
            "and Z, and digits in its 3rd to 8th places."
        )
    expected = uscc_check_character(code[:-1])
    if code[-1] != expected:
        return _(
            "The check character of %(code)s should be %(expected)s: a character is mistyped."
        ) % {"code": code, "expected": expected}
    return None


def validate_uscc(code: str) -> None:
    if problem := uscc_problem(code):
        raise ValidationError(problem, code="uscc")


def validate_licence(number: str) -> None:
    """A business licence's number: a unified social credit code, or an old registration
    number of 15 digits."""
    if len(number) == OLD_LICENCE_LENGTH and number.isascii() and number.isdigit():
        return
    if len(number) == USCC_LENGTH:
        validate_uscc(number)
        return
    raise ValidationError(
        _(
            "A licence number is a unified social credit code (18 characters) or an old "
            "registration number (15 digits)."
        ),
        code="licence",
    )


def facility_code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a facility code, or None if its digits are right."""
    if len(code) != FACILITY_CODE_LENGTH or not (code.isascii() and code.isdigit()):
        return _("A facility code has 16 digits.")
    if code[:2] not in PROVINCES:
        return _(
            "A facility code starts with an administrative division code; %(division)s is none."
        ) % {"division": code[:DIVISION_LENGTH]}
    return None


def validate_facility_code(code: str) -> None:
    if problem := facility_code_problem(code):
        raise ValidationError(problem, code="facility_code")


def facility_division(code: str) -> str:
    """The administrative division of a facility code: its first 6 digits."""
    return code[:DIVISION_LENGTH]


def facility_class(code: str) -> str:
    """The catalog sub-class of a facility code (``0101``): its 7th to 10th digits."""
    return code[DIVISION_LENGTH : DIVISION_LENGTH + CLASS_LENGTH]


def new_shop_code() -> str:
    return "".join(secrets.choice(SHOP_CODE_ALPHABET) for _place in range(SHOP_CODE_LENGTH))
