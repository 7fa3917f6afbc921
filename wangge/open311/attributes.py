"""The attributes an Open311 service carries beyond the spec's own fields, read from the
catalog: where exactly the problem is, a facility's code, and the registration standard that
says what counts as a problem of this kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category

_POSTED = re.compile(r"^attribute\[(?P<code>[^\]]+)\](\[\])?$")
FACILITY_CODE = re.compile(r"^\d{16}$")


class AttributeRefused(Exception):
    """An attribute that the service does not take, or takes otherwise."""


@dataclass(frozen=True)
class Attribute:
    """One attribute of a service definition."""

    code: str
    description: str | Promise
    families: frozenset[str] = frozenset(CategoryFamily.values)
    datatype: str = "string"


ATTRIBUTES = (
    Attribute(
        "location_detail",
        gettext_lazy("Where exactly: building, entrance, floor or lamp-post number."),
    ),
    Attribute(
        "facility_code",
        gettext_lazy("The 16-digit code marked on the facility, if it carries one."),
        families=frozenset({CategoryFamily.FACILITY}),
    ),
)


def attributes_of(category: Category) -> list[dict[str, Any]]:
    """The service definition's attributes: what may be filled in, then what the district
    registers as a problem of this kind (for reading only)."""
    offered = [a for a in ATTRIBUTES if category.family in a.families]
    body: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": False,
            "datatype_description": "",
            "order": order,
            "description": str(attribute.description),
        }
        for order, attribute in enumerate(offered, start=1)
    ]
    if category.registration_standard:
        body.append(
            {
                "variable": False,
                "code": "registration_standard",
                "datatype": "text",
                "required": False,
                "datatype_description": "",
                "order": len(body) + 1,
                "description": category.registration_standard,
            }
        )
    return body


def attributes_read(category: Category, posted: QueryDict) -> dict[str, str]:
    """The ``attribute[code]`` values of a POST, checked against the service's definition."""
    offered = {a.code: a for a in ATTRIBUTES if category.family in a.families}
    values: dict[str, str] = {}
    for name in posted:
        match = _POSTED.match(name)
        if match is None:
            continue
        code = match["code"]
        if code not in offered:
            raise AttributeRefused(
                _("attribute[%(code)s] is not an attribute of this service") % {"code": code}
            )
        value = posted.get(name, "").strip()
        if code == "facility_code" and value and not FACILITY_CODE.match(value):
            raise AttributeRefused(_("attribute[facility_code] has 16 digits"))
        if value:
            values[code] = value
    return values
