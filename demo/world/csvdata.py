"""Reading the demo's CSV files in `data/` (kept as CSV so people can edit them in a sheet)."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of `data/<name>` as dicts, every cell stripped of surrounding spaces."""
    # utf-8-sig: spreadsheet programs like to add a BOM when they save.
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def split_list(cell: str) -> list[str]:
    """ "a;b; c" → ["a", "b", "c"]; an empty cell is an empty list."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def yes(cell: str) -> bool:
    return cell.lower() in {"yes", "y", "true", "1", "是"}
