"""Staff and rosters in the workbook districts keep (XLSX): shifts, staff and their roles, the
members of joint bodies, the day and night duty tables and the on-call people, one sheet each.
Export writes the same layout, so a district's rosters go out and come back unchanged.

Sheets, each optional on import, with their headers:

    班次    班次 | 开始 | 结束 | 适用日 (工作日, 休息日, 每天)
    人员    姓名 | 手机 | 单位 | 单位网格 | 账号 | 角色 | 角色网格 | 起始日期 | 截止日期
    成员    单位 | 单位网格 | 姓名 | 手机 | 组成 (1, 2, N or X)
    值班表  网格 | 单位 | 单位网格 | 班次 | 类别 | 值班人 | 值班人手机 | 替班人1 | 替班人1手机 | …
    备勤    单位 | 单位网格 | 姓名 | 手机

An organisation is named by its name, and by the code of its jurisdiction where the name alone
is not enough. A person is found by mobile number, or by name among the people of the
organisation in question. In 人员, each row gives a person one role (a person with several roles
has several rows); a person not yet known is made, with the login 账号 if one is given. 类别 is 全部
(every kind), a family (部件, 事件) or a main class (事件/街面秩序, or its code: event-05).

Each row is imported whole or not at all, through the same services as the admin; a row that is
refused is reported with its sheet, row number and the reason, and the rows around it are
imported. Importing the same workbook again changes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category
from wangge.core.tables import (
    NumberedRow,
    SheetNotFound,
    TableFileError,
    find_columns,
    open_table,
)
from wangge.forces.choices import MemberPart, ShiftDays
from wangge.forces.models import DutyEntry, Membership, OnCall, Shift
from wangge.forces.selectors import belonging
from wangge.forces.services import (
    duty_entry_set,
    membership_add,
    on_call_set,
    shift_create,
    shift_update,
)
from wangge.grids.models import Grid
from wangge.people.choices import Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import EVERYTHING, AccessScope
from wangge.people.services import person_create, role_assign

# The workbook's own words: a file format, the same whatever language the program speaks.
SHIFTS, STAFF, MEMBERS, DUTY, ON_CALL = "班次", "人员", "成员", "值班表", "备勤"
EVERY_KIND = "全部"
DAYS = {ShiftDays.WORKING: "工作日", ShiftDays.REST: "休息日", ShiftDays.EVERY: "每天"}
FAMILIES = {CategoryFamily.FACILITY: "部件", CategoryFamily.EVENT: "事件"}
PARTS = {MemberPart.HOST: "1", MemberPart.ENFORCEMENT: "2", MemberPart.OTHER: "N"}
ROLES = {
    Role.ADMINISTRATOR: "系统管理员",
    Role.LEADER: "领导",
    Role.DISPATCHER: "受理员",
    Role.DUTY_CHIEF: "值班长",
    Role.TOWN_CHIEF: "总网格长",
    Role.AREA_CHIEF: "片区网格长",
    Role.GRID_CHIEF: "网格长",
    Role.DEPUTY_CHIEF: "副网格长",
    Role.STATION_CHIEF: "站长",
    Role.BLOCK_CHIEF: "块长",
    Role.INSPECTOR: "网格巡查员",
    Role.SUPERVISOR: "网格监督员",
    Role.ASSISTANT: "协管员",
    Role.THREE_HEADS: "三长",
    Role.PROPERTY_GUARD: "物业保安",
    Role.VOLUNTEER: "志愿者",
    Role.HANDLER: "处置人员",
    Role.ENFORCEMENT_OFFICER: "下沉执法人员",
}

ORGANISATION = {"organisation": ("单位",), "jurisdiction": ("单位网格",)}
PERSON = {"name": ("姓名",), "phone": ("手机", "联系电话")}
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    SHIFTS: {
        "name": ("班次",),
        "starts": ("开始", "开始时间"),
        "ends": ("结束", "结束时间"),
        "days": ("适用日",),
    },
    STAFF: {
        **PERSON,
        **ORGANISATION,
        "username": ("账号",),
        "role": ("角色", "岗位"),
        "grid": ("角色网格",),
        "starts_on": ("起始日期",),
        "ends_on": ("截止日期",),
    },
    MEMBERS: {**ORGANISATION, **PERSON, "part": ("组成",)},
    DUTY: {
        "grid": ("网格", "网格编码"),
        **ORGANISATION,
        "shift": ("班次",),
        "kind": ("类别", "案件类别"),
        "name": ("值班人",),
        "phone": ("值班人手机",),
    },
    ON_CALL: {**ORGANISATION, **PERSON},
}
REQUIRED = {
    SHIFTS: ("name", "starts", "ends", "days"),
    STAFF: ("name", "phone", "organisation"),
    MEMBERS: ("organisation", "name", "part"),
    DUTY: ("grid", "organisation", "shift", "name"),
    ON_CALL: ("organisation", "name"),
}
_SUBSTITUTE = re.compile(r"替班人(\d+)(手机)?")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?::\d{2})?")


class RosterFileError(TableFileError):
    """The workbook as a whole cannot be imported."""


@dataclass(frozen=True)
class RowError:
    """A row that was not imported: its sheet, its row number as the spreadsheet shows it, and
    why."""

    sheet: str
    row: int
    reason: str


@dataclass
class RosterImport:
    """Rows read and imported per sheet, and the rows refused."""

    rows: dict[str, int] = field(default_factory=dict)
    imported: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


class _Refused(Exception):
    pass


def _refused(message: str, **params: Any) -> _Refused:
    return _Refused(message % params if params else message)


# Import


def roster_import(
    path: Path, *, dry_run: bool = False, on_error: Callable[[RowError], None] | None = None
) -> RosterImport:
    """Import the roster workbook at ``path``; see the module's description. A dry run does
    everything and takes it back. RosterFileError if the file is no roster workbook."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RosterFileError(_("A roster is an XLSX workbook."))
    result = RosterImport()
    reader = _Reader()
    steps: list[tuple[str, Callable[[dict[str, str]], None]]] = [
        (SHIFTS, reader.shift),
        (STAFF, reader.staff),
        (MEMBERS, reader.member),
        (DUTY, reader.duty),
        (ON_CALL, reader.on_call),
    ]
    with transaction.atomic():
        for sheet, step in steps:
            try:
                rows = list(_rows(path, sheet))
            except SheetNotFound:
                continue
            result.rows[sheet] = len(rows)
            result.imported[sheet] = 0
            for number, values in rows:
                try:
                    with transaction.atomic():
                        step(values)
                except (_Refused, ValidationError) as exc:
                    error = RowError(sheet, number, _reason(exc))
                    result.errors.append(error)
                    if on_error is not None:
                        on_error(error)
                else:
                    result.imported[sheet] += 1
        if not result.rows:
            raise RosterFileError(
                _("The workbook has none of the sheets %(sheets)s.")
                % {"sheets": "、".join(name for name, _step in steps)}
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _rows(path: Path, sheet: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The sheet's rows as field → text, with the substitutes' columns as ``substitute N`` and
    ``substitute N phone``."""
    with open_table(path, sheet=sheet) as table:
        headers = dict(HEADERS[sheet])
        if sheet == DUTY:
            for header in table.header:
                if match := _SUBSTITUTE.fullmatch(header.strip()):
                    number, phone = match.groups()
                    headers[f"substitute {int(number):03d}{' phone' if phone else ''}"] = (
                        header.strip(),
                    )
        columns = find_columns(table.header, headers, REQUIRED[sheet], {})
        numbered: NumberedRow
        for numbered in table.rows:
            number, cells = numbered
            yield (
                number,
                {
                    name: cells[position].strip() if position < len(cells) else ""
                    for name, (position, _header) in columns.items()
                },
            )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(" ".join(messages) for messages in exc.message_dict.values())
        return " ".join(exc.messages)
    return str(exc)


class _Reader:
    """Reads rows into the services, keeping what it has looked up."""

    def __init__(self) -> None:
        self._shifts: dict[str, Shift] = {}
        self._grids: dict[str, Grid] = {}
        self._main_classes = {
            (c.family, c.code): c for c in Category.objects.filter(parent__isnull=True)
        }

    # Sheets

    def shift(self, row: dict[str, str]) -> None:
        name = _required(row, SHIFTS, "name")
        starts, ends = _time(row["starts"]), _time(row["ends"])
        days = _word(row, SHIFTS, "days", DAYS)
        shift = Shift.objects.filter(name=name).first()
        if shift is None:
            shift_create(name=name, starts=starts, ends=ends, days=days)
        elif (shift.starts, shift.ends, shift.days) != (starts, ends, days):
            shift_update(shift=shift, starts=starts, ends=ends, days=days)

    def staff(self, row: dict[str, str]) -> None:
        organisation = self._organisation(row)
        name, phone = _required(row, STAFF, "name"), row["phone"]
        person = self._staff_member(name, phone, organisation)
        if person is None:
            person = person_create(
                name=name,
                organisation=organisation,
                phone=phone,
                username=row.get("username") or None,
            )
        if not row.get("role"):
            return
        role = _word(row, STAFF, "role", ROLES)
        grid = self._grid(row["grid"]) if row.get("grid") else None
        starts_on, ends_on = _date(row.get("starts_on", "")), _date(row.get("ends_on", ""))
        held = RoleAssignment.objects.filter(person=person, role=role, grid=grid).first()
        if held is None:
            role_assign(person=person, role=role, grid=grid, starts_on=starts_on, ends_on=ends_on)
        elif (held.starts_on, held.ends_on) != (starts_on, ends_on):
            raise _refused(
                _("%(person)s already holds this role here, with other dates."), person=person
            )

    def member(self, row: dict[str, str]) -> None:
        organisation = self._organisation(row)
        person = self._person(row["name"], row["phone"], among=None)
        part = _word(row, MEMBERS, "part", PARTS, aliases={"X": MemberPart.OTHER})
        membership_add(organisation=organisation, person=person, part=part)

    def duty(self, row: dict[str, str]) -> None:
        organisation = self._organisation(row)
        shift = self._shift(_required(row, DUTY, "shift"))
        family, main_class = self._kind(row.get("kind", ""))
        person = self._person(row["name"], row["phone"], among=organisation)
        substitutes = []
        for key in sorted(k for k in row if k.startswith("substitute") and "phone" not in k):
            name, phone = row[key], row.get(f"{key} phone", "")
            if name or phone:
                substitutes.append(self._person(name, phone, among=organisation))
        duty_entry_set(
            grid=self._grid(row["grid"]),
            organisation=organisation,
            shift=shift,
            person=person,
            substitutes=substitutes,
            family=family,
            main_class=main_class,
        )

    def on_call(self, row: dict[str, str]) -> None:
        organisation = self._organisation(row)
        on_call_set(
            organisation=organisation,
            person=self._person(row["name"], row["phone"], among=organisation),
        )

    # Lookups

    def _organisation(self, row: dict[str, str]) -> Organisation:
        name, code = _required(row, STAFF, "organisation"), row.get("jurisdiction", "")
        found = Organisation.objects.filter(name=name).select_related("jurisdiction")
        if code:
            found = found.filter(jurisdiction__code=code)
        matches = list(found[:2])
        if not matches:
            raise _refused(_("No organisation %(name)s."), name=name)
        if len(matches) > 1:
            raise _refused(
                _("Several organisations are called %(name)s: give %(column)s."),
                name=name,
                column=ORGANISATION["jurisdiction"][0],
            )
        return matches[0]

    def _grid(self, code: str) -> Grid:
        if code not in self._grids:
            grid = Grid.objects.filter(code=code).first()
            if grid is None:
                raise _refused(_("No grid %(code)s."), code=code)
            self._grids[code] = grid
        return self._grids[code]

    def _shift(self, name: str) -> Shift:
        if name not in self._shifts:
            shift = Shift.objects.filter(name=name).first()
            if shift is None:
                raise _refused(_("No shift %(name)s."), name=name)
            self._shifts[name] = shift
        return self._shifts[name]

    def _kind(self, text: str) -> tuple[str, Category | None]:
        text = text.strip()
        if text in ("", EVERY_KIND):
            return "", None
        family_word, _sep, rest = text.replace("-", "/").partition("/")
        family = _word({"kind": family_word}, DUTY, "kind", FAMILIES)
        if not rest:
            return family, None
        for (found_family, code), category in self._main_classes.items():
            if found_family == family and rest in (code, category.name):
                return family, category
        raise _refused(_("No main class %(kind)s."), kind=text)

    def _staff_member(self, name: str, phone: str, organisation: Organisation) -> Person | None:
        """The person a staff row is about, if known: by mobile number, or else by name among
        the organisation's people without one."""
        if phone:
            known = list(Person.objects.filter(phone=phone).select_related("organisation")[:2])
            if len(known) > 1:
                raise _refused(_("Several people have the number %(phone)s."), phone=phone)
            if known:
                person = known[0]
                if person.organisation_id != organisation.pk or person.name != name:
                    raise _refused(
                        _("%(phone)s is the number of %(person)s of %(organisation)s."),
                        phone=phone,
                        person=person.name,
                        organisation=person.organisation.name,
                    )
                return person
        unnumbered = Person.objects.filter(organisation=organisation, name=name, phone="")
        matches = list(unnumbered[:2])
        if len(matches) > 1:
            raise _refused(
                _("Several people of %(organisation)s are called %(name)s: give %(column)s."),
                organisation=organisation.name,
                name=name,
                column=PERSON["phone"][0],
            )
        if matches and phone:
            matches[0].phone = phone
            matches[0].save(update_fields=["phone"])
        return matches[0] if matches else None

    def _person(self, name: str, phone: str, *, among: Organisation | None) -> Person:
        """The person named by mobile number, or else by name among the people who belong to
        ``among`` (everyone, without it)."""
        if phone:
            matches = list(Person.objects.filter(phone=phone)[:2])
            if not matches:
                raise _refused(_("Nobody has the number %(phone)s."), phone=phone)
            if len(matches) > 1:
                raise _refused(_("Several people have the number %(phone)s."), phone=phone)
            if name and matches[0].name != name:
                raise _refused(
                    _("%(phone)s is the number of %(person)s, not of %(name)s."),
                    phone=phone,
                    person=matches[0].name,
                    name=name,
                )
            return matches[0]
        if not name:
            raise _refused(_("Name the person."))
        people = Person.objects.filter(name=name)
        if among is not None:
            people = people.filter(pk__in=belonging(among, people.values_list("pk", flat=True)))
        matches = list(people[:2])
        if not matches:
            raise _refused(_("Nobody is called %(name)s here."), name=name)
        if len(matches) > 1:
            raise _refused(
                _("Several people are called %(name)s: give %(column)s."),
                name=name,
                column=PERSON["phone"][0],
            )
        return matches[0]


def _required(row: dict[str, str], sheet: str, name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise _refused(_("%(column)s is empty."), column=HEADERS[sheet][name][0])
    return value


def _word(
    row: dict[str, str],
    sheet: str,
    name: str,
    words: dict[Any, str],
    aliases: dict[str, Any] | None = None,
) -> str:
    """The value the workbook's word in ``row[name]`` stands for; the value itself, and the
    ``aliases``, are accepted too."""
    text = row.get(name, "").strip()
    for value, word in words.items():
        if text in (word, str(value)):
            return str(value)
    if aliases and text.upper() in aliases:
        return str(aliases[text.upper()])
    raise _refused(_("%(column)s: unknown %(value)s."), column=HEADERS[sheet][name][0], value=text)


def _time(text: str) -> datetime.time:
    match = _TIME.fullmatch(text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise _refused(_("Not a time of day: %(value)s."), value=text)
    return datetime.time(int(match.group(1)), int(match.group(2)))


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise _refused(_("Not a date: %(value)s."), value=text) from None


# Export


def roster_export(path: Path, *, scope: AccessScope = EVERYTHING) -> dict[str, int]:
    """Write the rosters ``scope`` sees to an XLSX workbook at ``path``, in the layout the
    import reads; the number of rows of each sheet."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    counts = {}
    for sheet, rows in (
        (SHIFTS, _shift_rows()),
        (STAFF, _staff_rows(scope)),
        (MEMBERS, _member_rows(scope)),
        (DUTY, _duty_rows(scope)),
        (ON_CALL, _on_call_rows(scope)),
    ):
        table = book.create_sheet(sheet)
        lines = list(rows)
        for line in lines:
            table.append(line)
        counts[sheet] = len(lines) - 1
    book.save(path)
    return counts


def _headers(sheet: str, *names: str) -> list[str]:
    return [HEADERS[sheet][name][0] for name in names]


def _organisation_cells(organisation: Organisation) -> list[str]:
    return [organisation.name, organisation.jurisdiction.code]


def _shift_rows() -> Iterator[Sequence[str]]:
    yield _headers(SHIFTS, "name", "starts", "ends", "days")
    for shift in Shift.objects.order_by("starts", "name"):
        yield [
            shift.name,
            f"{shift.starts:%H:%M}",
            f"{shift.ends:%H:%M}",
            DAYS[ShiftDays(shift.days)],
        ]


def _staff_rows(scope: AccessScope) -> Iterator[Sequence[str]]:
    yield _headers(
        STAFF,
        "name",
        "phone",
        "organisation",
        "jurisdiction",
        "username",
        "role",
        "grid",
        "starts_on",
        "ends_on",
    )
    people = scope.persons(Person.objects.filter(is_active=True)).select_related(
        "organisation__jurisdiction", "user"
    )
    roles: dict[int, list[RoleAssignment]] = {}
    for role in (
        RoleAssignment.objects.filter(person__in=people).select_related("grid").order_by("pk")
    ):
        roles.setdefault(role.person_id, []).append(role)
    for person in people.order_by("organisation__jurisdiction__path", "organisation__name", "pk"):
        head = [
            person.name,
            person.phone,
            *_organisation_cells(person.organisation),
            person.user.get_username() if person.user else "",
        ]
        held = roles.get(person.pk, [])
        if not held:
            yield [*head, "", "", "", ""]
        for role in held:
            yield [
                *head,
                ROLES[Role(role.role)],
                role.grid.code if role.grid else "",
                role.starts_on.isoformat() if role.starts_on else "",
                role.ends_on.isoformat() if role.ends_on else "",
            ]


def _member_rows(scope: AccessScope) -> Iterator[Sequence[str]]:
    yield _headers(MEMBERS, "organisation", "jurisdiction", "name", "phone", "part")
    members = Membership.objects.filter(scope.organisation_q("organisation")).select_related(
        "organisation__jurisdiction", "person"
    )
    for member in members.order_by("organisation__jurisdiction__path", "organisation__name", "pk"):
        yield [
            *_organisation_cells(member.organisation),
            member.person.name,
            member.person.phone,
            PARTS[MemberPart(member.part)],
        ]


def _duty_rows(scope: AccessScope) -> Iterator[Sequence[str]]:
    entries = list(
        DutyEntry.objects.filter(scope.grid_q("grid"))
        .select_related("grid", "organisation__jurisdiction", "shift", "main_class", "person")
        .prefetch_related("substitutes__person")
        .order_by("grid__path", "organisation__name", "shift__starts", "family", "pk")
    )
    most = max((len(entry.substitutes.all()) for entry in entries), default=0)
    header = _headers(
        DUTY, "grid", "organisation", "jurisdiction", "shift", "kind", "name", "phone"
    )
    for number in range(1, most + 1):
        header += [f"替班人{number}", f"替班人{number}手机"]
    yield header
    for entry in entries:
        line = [
            entry.grid.code,
            *_organisation_cells(entry.organisation),
            entry.shift.name,
            _kind_word(entry),
            entry.person.name,
            entry.person.phone,
        ]
        for substitute in entry.substitutes.all():
            line += [substitute.person.name, substitute.person.phone]
        yield line


def _kind_word(entry: DutyEntry) -> str:
    if not entry.family:
        return EVERY_KIND
    family = FAMILIES[CategoryFamily(entry.family)]
    return f"{family}/{entry.main_class.name}" if entry.main_class else family


def _on_call_rows(scope: AccessScope) -> Iterator[Sequence[str]]:
    yield _headers(ON_CALL, "organisation", "jurisdiction", "name", "phone")
    on_calls = OnCall.objects.filter(scope.organisation_q("organisation")).select_related(
        "organisation__jurisdiction", "person"
    )
    for on_call in on_calls.order_by("organisation__jurisdiction__path", "organisation__name"):
        yield [
            *_organisation_cells(on_call.organisation),
            on_call.person.name,
            on_call.person.phone,
        ]
