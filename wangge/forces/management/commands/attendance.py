from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from wangge.forces.attendance import AttendanceReport, Tally, attendance_report
from wangge.people.models import Organisation


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Attendance (电子考勤): lateness and absence per person and department."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        report = actions.add_parser("report", help="lateness and absence over a period")
        report.add_argument("--from", dest="first", type=_day, required=True, help="YYYY-MM-DD")
        report.add_argument("--to", dest="last", type=_day, required=True, help="YYYY-MM-DD")
        report.add_argument(
            "--department", help="an organisation's name or short name: it and the bodies under it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["last"] < options["first"]:
            raise CommandError(_("The period ends before it begins."))
        department = None
        if options["department"]:
            named = options["department"]
            found = list(Organisation.objects.filter(Q(name=named) | Q(short_name=named))[:2])
            if not found:
                raise CommandError(_("No organisation is called %(name)s.") % {"name": named})
            if len(found) > 1:
                raise CommandError(
                    _("Several organisations are called %(name)s; give the full name.")
                    % {"name": named}
                )
            department = found[0]
        self._write(
            attendance_report(first=options["first"], last=options["last"], department=department)
        )

    def _write(self, report: AttendanceReport) -> None:
        counts = [
            _("due"),
            _("attended"),
            _("late"),
            _("late minutes"),
            _("left early"),
            _("absent"),
        ]
        self.stdout.write(
            _("Attendance from %(first)s to %(last)s")
            % {"first": report.first, "last": report.last}
        )
        rows = [[_("person"), _("organisation"), *counts]]
        rows += [
            [line.person.name, line.person.organisation.name, *_numbers(line.tally)]
            for line in report.people
        ]
        self._table(rows)
        self.stdout.write("")
        self.stdout.write(_("By department"))
        rows = [[_("organisation"), _("people"), *counts]]
        rows += [
            [line.organisation.name, str(line.people), *_numbers(line.tally)]
            for line in report.departments
        ]
        self._table(rows)

    def _table(self, rows: list[list[str]]) -> None:
        # East Asian characters take two columns in a terminal.
        def width(text: str) -> int:
            return sum(2 if ord(c) > 0x2E7F else 1 for c in text)

        widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = [
                cell + " " * (widths[i] - width(cell)) if i < 2 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells).rstrip())


def _numbers(tally: Tally) -> list[str]:
    return [
        str(value)
        for value in (
            tally.due,
            tally.attended,
            tally.late,
            tally.late_minutes,
            tally.left_early,
            tally.absent,
        )
    ]
