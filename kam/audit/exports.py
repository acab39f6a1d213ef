"""The one export mechanism (R-SEC-2, R-IO-1): permission-checked, logged, formula-safe, streamed.

Every export in KAM goes through `export_response`: callers pass rows they already filtered
through the visibility layer; this module never widens what a user may see.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from kam.audit.models import ExportLog
from kam.users.models import User

EXPORT_PERMISSION = "users.export_data"
# A cell starting with one of these is a formula to Excel/WPS (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet: text that looks like a formula gets a quote.
    None stays None: a blank field in CSV, and in XLSX no cell written at all."""
    if type(value) is str:  # most cells: checked first (an export writes millions)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _write_xlsx(
    handle: IO[bytes], sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write the sheet to `handle` row by row; returns the number of rows after the header.

    constant_memory flushes each row as it is written, so memory stays bounded whatever the
    row count. The text is taken as text: neutralise() already defused formulas, and no string
    is turned into a number, formula or link."""
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name)
    sheet.write_row(0, 0, [neutralise(h) for h in headers])
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, [neutralise(v) for v in row])
    workbook.close()
    return count


def export_allowed(user: User) -> bool:
    return user.is_active and (user.sees_everything or user.has_perm(EXPORT_PERMISSION))


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(
    *,
    user: User,
    what: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    file_format: str = "xlsx",
    filters: str = "",
) -> StreamingHttpResponse | FileResponse:
    """Stream `rows` as CSV or XLSX and log who exported what and how many rows."""
    if not export_allowed(user):
        raise PermissionDenied
    if file_format not in {"csv", "xlsx"}:
        raise ValueError(file_format)
    log = ExportLog.objects.create(
        user=user, what=what, filters=filters[:2000], file_format=file_format
    )

    if file_format == "csv":

        def stream() -> Iterator[str]:
            writer = csv.writer(_Echo())
            count = 0
            yield "\ufeff"  # so Excel opens UTF-8 Chinese correctly
            yield writer.writerow([neutralise(h) for h in headers])
            for row in rows:
                count += 1
                yield writer.writerow([neutralise(v) for v in row])
            ExportLog.objects.filter(pk=log.pk).update(row_count=count)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    count = _write_xlsx(handle, what[:31], headers, rows)
    handle.seek(0)
    with transaction.atomic():
        ExportLog.objects.filter(pk=log.pk).update(row_count=count)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx")
