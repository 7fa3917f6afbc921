from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wangge.core.calendar import WorkingCalendar
from wangge.core.models import CalendarDay, CalendarYear
from wangge.core.selectors import office_hours_setting
from wangge.core.services import calendar_seed_from_package

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "The working-day calendar: seed it from the chinesecalendar package, or show a year."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        seed = actions.add_parser(
            "seed", help="write the package's holidays and adjusted workdays (idempotent)"
        )
        seed.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="only this year (repeatable; default: every year the package has)",
        )
        show = actions.add_parser("show", help="a year's exceptions and whether it is covered")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            self.seed(options["years"])
        else:
            self.show(options["year"])

    def seed(self, years: list[int] | None) -> None:
        summary = calendar_seed_from_package(years=years)
        if summary.years:
            first, last = summary.years[0], summary.years[-1]
            span = str(first) if first == last else f"{first}–{last}"
            self.stdout.write(
                f"chinesecalendar {summary.package_version}: {span} "
                f"({len(summary.years)} years); "
                f"{summary.created} days created, {summary.updated} updated, "
                f"{summary.removed} removed, {summary.kept} administrator's days kept; "
                f"{summary.years_covered} years newly covered."
            )
        for year in summary.unavailable:
            self.stderr.write(
                self.style.WARNING(
                    f"{year}: the package (chinesecalendar {summary.package_version}) has no "
                    "data; the calendar counts weekends only there until an administrator "
                    "enters the year and marks it covered."
                )
            )

    def show(self, year: int) -> None:
        covered = CalendarYear.objects.filter(year=year).first()
        if covered is None:
            self.stdout.write(f"{year}: NOT covered — weekends only, with a warning.")
        else:
            self.stdout.write(
                f"{year}: covered ({covered.get_source_display()}, {covered.loaded_at:%Y-%m-%d})."
            )
        days = CalendarDay.objects.filter(date__year=year).order_by("date")
        for day in days:
            kind = "work" if day.is_workday else "rest"
            self.stdout.write(
                f"{day.date:%Y-%m-%d} 周{WEEKDAYS[day.date.weekday()]} {kind}  "
                f"{day.name}  [{day.source}]"
            )
        # Counted as covered here only to keep the fallback's warning out of the listing; the
        # line above already says whether the year is covered.
        calendar = WorkingCalendar(
            [year], {d.date: d.is_workday for d in days}, office_hours=office_hours_setting()
        )
        workdays = calendar.workdays_between(
            datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        )
        self.stdout.write(
            f"{len(days)} exceptions; {workdays} working days; "
            f"office hours {calendar.office_hours}."
        )
