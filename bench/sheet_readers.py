"""Benchmark: reading a workbook with python-calamine (what imports use) against openpyxl.

Run from the project root:  .venv/bin/python -m bench.sheet_readers [file.xlsx …]

Without arguments it builds a 20,000-row donation sheet with openpyxl and reads it both
ways (values only, every worksheet), median of 5. Informational: no target.
"""

import io
import statistics
import sys
import time
from pathlib import Path


def _sheet(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["捐赠单位", "日期", "品名", "规格", "数量", "单位"])
    for n in range(rows):
        sheet.append(
            [f"捐赠单位{n % 400}", "2020-01-28", f"物资{n % 300:03d}", "100只/箱", n, "箱"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _openpyxl(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), data_only=True)
    return sum(len(list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets)


def _calamine(content: bytes) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return sum(
        len(book.get_sheet_by_index(i).to_python(skip_empty_area=False))
        for i in range(len(book.sheet_names))
    )


def _median_ms(read, content: bytes, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(content)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    files = [(Path(p).name, Path(p).read_bytes()) for p in sys.argv[1:]]
    files = files or [("synthetic 20,000 rows", _sheet(20_000))]
    for name, content in files:
        slow, fast = _median_ms(_openpyxl, content), _median_ms(_calamine, content)
        print(f"{name}: openpyxl {slow:,.1f} ms, calamine {fast:,.1f} ms ({slow / fast:.1f}×)")


if __name__ == "__main__":
    main()
