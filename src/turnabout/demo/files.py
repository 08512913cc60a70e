"""The demo's data files (`demo/data/`): tables of names, places, texts, read as they are."""

from __future__ import annotations

import csv
import functools
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def load_toml(name: str) -> dict[str, Any]:
    """A TOML file of `demo/data/`, parsed once (tables keep the file's order)."""
    with (DATA_DIR / name).open("rb") as file:
        return tomllib.load(file)


@functools.cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV file of `demo/data/` (UTF-8, with a header), in file order."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))
