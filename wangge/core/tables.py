"""Spreadsheets as the districts keep them: CSV (UTF-8 with or without BOM, or GB18030, as
Chinese Excel writes it) or XLSX, read row by row with every cell as text, and the columns of a
file found by their usual headers or by the ones a user names.

The imports (the 12345 hotline's work orders, the grid records) read their files through here,
so that they read the same files the same way and say the same things about the ones they
cannot read.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import math
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SAMPLE_BYTES = 1 << 16

Columns = dict[str, tuple[int, str]]
"""Where each field is in a row, and under which header: field → (position, header)."""

NumberedRow = tuple[int, list[str]]
"""A row as a spreadsheet numbers it (the header being row 1) and its cells as text."""


class TableFileError(Exception):
    """The file as a whole cannot be imported: unreadable, or without a column it needs."""


class ColumnsNotFound(TableFileError):
    """No column is found for a field the import needs, or the mapping names an unknown field."""


class SheetNotFound(TableFileError):
    """The workbook has no sheet of the name asked for."""


class CellProblem(ValueError):
    """What is wrong with a cell, in the file's terms (naming its column)."""


@dataclass(frozen=True)
class Progress:
    """How far an import has got: rows read, and the share of the file (when it is known)."""

    rows: int
    fraction: float | None


class Table(AbstractContextManager["Table"]):
    """The header and the numbered rows of a CSV or XLSX file, every cell as text. Empty rows
    are skipped but counted, so that a row's number is the one the spreadsheet shows."""

    header: list[str]
    rows: Iterator[NumberedRow]

    def fraction(self) -> float | None:
        """How far into the file the rows handed out so far reach, if it is known."""
        return None


def open_table(path: Path, encoding: str | None = None, *, sheet: str | None = None) -> Table:
    """The table in the file at ``path``: XLSX (its first sheet, or the one named ``sheet``) by
    its suffix, else CSV in ``encoding`` or, without one, as :func:`csv_encoding` finds it.
    TableFileError if it cannot be read, SheetNotFound if the workbook has no such sheet."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _XlsxTable(path, sheet)
        return _CsvTable(path, encoding)
    except (OSError, LookupError, ValueError, csv.Error) as exc:
        # LookupError: an encoding Python does not know; ValueError: one the file is not in.
        raise _unreadable(path, exc) from exc


def find_columns(
    header: Sequence[str],
    headers: Mapping[str, Sequence[str]],
    required: Sequence[str],
    mapping: Mapping[str, str],
) -> Columns:
    """Where each field of ``headers`` (field → its usual headers, the likeliest first) is in
    a file with this ``header``; ``mapping`` names the header of a field whose header is not
    a usual one. ColumnsNotFound names an unknown field of the mapping, or the ``required``
    fields (and the mapped ones) no column is found for."""
    unknown = sorted(set(mapping) - set(headers))
    if unknown:
        raise ColumnsNotFound(
            _("Unknown field %(fields)s in the column mapping; the fields are %(known)s.")
            % {"fields": ", ".join(unknown), "known": ", ".join(headers)}
        )
    position = {name.strip(): i for i, name in reversed(list(enumerate(header)))}
    columns: Columns = {}
    missing: list[str] = []
    for name, candidates in headers.items():
        wanted = (mapping[name],) if name in mapping else tuple(candidates)
        found = next((h for h in wanted if h in position), None)
        if found is not None:
            columns[name] = (position[found], found)
        elif name in required or name in mapping:
            missing.append(f"{name} ({' / '.join(wanted)})")
    if missing:
        raise ColumnsNotFound(
            _("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    return columns


def empty_cell(header: str) -> str:
    """What to say of a cell left empty that must not be."""
    return _("%(column)s is empty.") % {"column": header}


def cell_number(text: str, header: str) -> float:
    """The finite number written in a cell of the column ``header``, or CellProblem."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise CellProblem(
            _("%(column)s is not a number: %(value)s") % {"column": header, "value": text}
        )
    return number


def refusal_reason(
    refusal: ValidationError, columns: Columns, *, unnamed: Collection[str] = ()
) -> str:
    """A refusal by the domain's rules in the file's terms: what is wrong with a field, after the
    header of its column; what is about no column, or about a field of ``unnamed`` (a point's
    longitude stands for the point as a whole), as it is."""
    if not hasattr(refusal, "error_dict"):
        return " ".join(refusal.messages)
    headers = {name: header for name, (_position, header) in columns.items()}
    parts = []
    for name, messages in refusal.message_dict.items():
        text = " ".join(messages)
        named = name in headers and name not in unnamed
        parts.append(f"{headers[name]}: {text}" if named else text)
    return " ".join(parts)


def chunks(table: Table, size: int) -> Iterator[tuple[list[NumberedRow], float | None]]:
    """The rows in lists of ``size``, each with how far into the file it ends."""
    rows: list[NumberedRow] = []
    for numbered in table.rows:
        rows.append(numbered)
        if len(rows) == size:
            yield rows, table.fraction()
            rows = []
    if rows:
        yield rows, 1.0


def csv_encoding(path: Path) -> str:
    """UTF-8 (its BOM dropped) if the start of the file reads as UTF-8, else GB18030, the
    encoding of Chinese Excel's CSV."""
    with path.open("rb") as file:
        sample = file.read(_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would have."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        # Order numbers, phone numbers and counts stored as numbers.
        return str(int(value))
    return str(value)


class _CsvTable(Table):
    def __init__(self, path: Path, encoding: str | None) -> None:
        self._size = path.stat().st_size
        self._raw = path.open("rb")
        text = io.TextIOWrapper(self._raw, encoding=encoding or csv_encoding(path), newline="")
        self._reader = csv.reader(text)
        self.header = next(self._reader, [])
        self.rows = self._numbered()

    def _numbered(self) -> Iterator[NumberedRow]:
        number = 1
        try:
            for number, cells in enumerate(self._reader, start=2):
                # A NUL is nobody's text: the file is in another encoding or damaged, and no
                # column could keep it (PostgreSQL's text cannot). Python's csv module refused
                # such a line itself before 3.11.
                if "\x00" in "".join(cells):
                    raise TableFileError(
                        _(
                            "Row %(row)d holds a NUL character: the file is damaged, or not "
                            'text in UTF-8 or GB18030 (Excel\'s "Unicode text" is UTF-16).'
                        )
                        % {"row": number}
                    )
                if any(cells):
                    yield number, cells
        except (UnicodeDecodeError, csv.Error) as exc:
            raise TableFileError(
                _("Cannot read the file after row %(row)d: %(error)s")
                % {"row": number, "error": exc}
            ) from exc

    def fraction(self) -> float | None:
        # Where the decoder has read to: ahead of the rows handed out by a buffer at most.
        return self._raw.tell() / self._size if self._size else None

    def __exit__(self, *args: object) -> None:
        self._raw.close()


class _XlsxTable(Table):
    def __init__(self, path: Path, name: str | None) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
            # KeyError: a zip file without a workbook's parts.
            raise _unreadable(path, exc) from exc
        if name is not None and name not in self._book.sheetnames:
            self._book.close()
            raise SheetNotFound(
                _("%(file)s has no sheet named %(sheet)s.") % {"file": path.name, "sheet": name}
            )
        sheet = self._book[name] if name is not None else self._book.worksheets[0]
        self._rows = sheet.max_row
        cells = sheet.iter_rows(values_only=True)
        self.header = [cell_text(value) for value in next(cells, ())]
        self._at = 1
        self.rows = self._numbered(cells)

    def _numbered(self, cells: Iterator[tuple[Any, ...]]) -> Iterator[NumberedRow]:
        for self._at, values in enumerate(cells, start=2):
            row = [cell_text(value) for value in values]
            if any(row):
                yield self._at, row

    def fraction(self) -> float | None:
        return self._at / self._rows if self._rows else None

    def __exit__(self, *args: object) -> None:
        self._book.close()


def _unreadable(path: Path, error: Exception) -> TableFileError:
    return TableFileError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error})
