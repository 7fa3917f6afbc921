"""What the spreadsheet import commands share: their arguments, columns named with ``--map``, the
refused rows written to a CSV file that Excel opens, a progress bar on stderr and the list of
the first refusals."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from wangge.core.coords import CRS
from wangge.core.tables import ColumnsNotFound, Progress, TableFileError

BAR_WIDTH = 30
Result = TypeVar("Result")
Refused = TypeVar("Refused")


def add_table_arguments(
    parser: CommandParser, *, headers: Mapping[str, Sequence[str]], file_help: str
) -> None:
    """The file, ``--map``, ``--crs`` (GCJ-02 by default, as Chinese maps and phones give it),
    ``--encoding``, ``--errors`` and ``--dry-run``."""
    parser.add_argument("file", type=Path, help=file_help)
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help=(
            "the header of a field in this file; fields and their usual headers: "
            + "; ".join(f"{name} ({'/'.join(usual)})" for name, usual in headers.items())
        ),
    )
    parser.add_argument(
        "--crs",
        choices=[c.value for c in CRS],
        default=CRS.GCJ02.value,
        help="coordinate system of the file: gcj02 (default; Amap, Tencent), bd09 (Baidu), "
        "wgs84 (GPS)",
    )
    parser.add_argument(
        "--encoding", help="encoding of a CSV file (default: UTF-8 if it reads so, GB18030)"
    )
    parser.add_argument(
        "--errors", type=Path, metavar="FILE", help="write the rows not imported to this CSV"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check everything, then import nothing"
    )


def column_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``--map`` arguments (``FIELD=HEADER``) as a mapping of field to header."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise CommandError(f"--map takes FIELD=HEADER, not {pair!r}")
        mapping[name.strip()] = header.strip()
    return mapping


@contextmanager
def error_file(
    path: Path | None, header: Sequence[str]
) -> Iterator[Callable[[Sequence[object]], None] | None]:
    """A function that writes a refused row to the CSV file at ``path`` under ``header``, or
    None without a path. The file has a BOM, so that Excel reads the Chinese."""
    if path is None:
        yield None
        return
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        yield writer.writerow


class ProgressBar:
    """Shows an import's progress on one line of ``stream``, redrawn in place."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream

    def __call__(self, progress: Progress) -> None:
        if progress.fraction is None:
            bar = f"{progress.rows:,} rows"
        else:
            done = round(progress.fraction * BAR_WIDTH)
            bar = (
                f"[{'#' * done}{'.' * (BAR_WIDTH - done)}] {progress.fraction:4.0%}  "
                f"{progress.rows:,} rows"
            )
        self.stream.write(f"\r{bar}", ending="")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("")


def run_table_import(
    run: Callable[[Callable[[Refused], None], ProgressBar], Result],
    *,
    stream: OutputWrapper,
    errors_path: Path | None,
    header: Sequence[str],
    row: Callable[[Refused], Sequence[object]],
) -> Result:
    """``run(on_error, progress)`` with a progress bar on ``stream`` and each refused row written
    by ``row`` to the ``--errors`` file under ``header``; a file that cannot be imported becomes
    the command's error, with a hint where its columns were not found."""
    bar = ProgressBar(stream)
    with error_file(errors_path, header) as write_error:

        def on_error(refused: Refused) -> None:
            if write_error is not None:
                write_error(row(refused))

        try:
            return run(on_error, bar)
        except ColumnsNotFound as exc:
            hint = _("Name the columns of this file with --map FIELD=HEADER.")
            raise CommandError(f"{exc}\n{hint}") from exc
        except TableFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.end()


def write_refusals(
    stream: OutputWrapper, shown: Sequence[str], total: int, errors_path: Path | None
) -> None:
    """The first refusals, one a line, and how many more there are and where they are listed."""
    for line in shown:
        stream.write(line)
    if total > len(shown):
        more = f"{total - len(shown):,}"
        stream.write(
            _("… and %(more)s more; all are listed in %(file)s.")
            % {"more": more, "file": errors_path}
            if errors_path
            else _("… and %(more)s more; --errors FILE lists them all.") % {"more": more}
        )
