"""The parameter table: every value with its unit and source, in one CSV.

Modules never hold literals: they ask a :class:`ParameterBook` for a name, and
the book creates the PySB ``Parameter`` from the table the first time.
"""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pysb import Parameter

if TYPE_CHECKING:
    from pysb import Model

TABLE = Path(str(resources.files("models").joinpath("parameters.csv")))
COLUMNS = ("name", "value", "unit", "source", "description")


class ParameterTableError(ValueError):
    """The parameter table is malformed; the message names file, line and fix."""


@dataclass(frozen=True)
class Record:
    name: str
    value: float
    unit: str
    source: str
    description: str


def load_table(path: str | os.PathLike = TABLE) -> dict[str, Record]:
    """Read the table into ``{name: Record}``; one clear error per problem."""
    path = Path(path)
    if not path.is_file():
        raise ParameterTableError(f"parameter table not found: {path}")
    records = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ParameterTableError(f"{path}: header lacks column(s) {', '.join(missing)}; "
                                      f"expected {','.join(COLUMNS)}")
        for row in reader:
            line = reader.line_num
            name = (row["name"] or "").strip()
            if not name.isidentifier():
                raise ParameterTableError(f"{path}:{line}: parameter name '{name}' is not a "
                                          "valid identifier (letters, digits, underscore)")
            raw = (row["value"] or "").strip()
            if not raw:
                raise ParameterTableError(f"{path}:{line}: parameter '{name}' has no value; "
                                          "expected a number")
            try:
                value = float(raw)
            except ValueError:
                raise ParameterTableError(f"{path}:{line}: parameter '{name}' has value "
                                          f"'{raw}', expected a number") from None
            if not math.isfinite(value) or value < 0:
                raise ParameterTableError(f"{path}:{line}: parameter '{name}' = {raw}; "
                                          "expected a finite number >= 0")
            if name in records:
                raise ParameterTableError(f"{path}:{line}: parameter '{name}' is listed twice")
            records[name] = Record(name, value, (row["unit"] or "").strip(),
                                   (row["source"] or "").strip(),
                                   (row["description"] or "").strip())
    return records


class ParameterBook:
    """Hands out PySB Parameters by name, creating each from the table once."""

    def __init__(self, model: Model, table: str | os.PathLike = TABLE) -> None:
        self.model = model
        self.records = load_table(table)

    def __getitem__(self, name):
        existing = self.model.parameters.get(name)
        if existing is not None:
            return existing
        try:
            record = self.records[name]
        except KeyError:
            raise ParameterTableError(f"parameter '{name}' is used by the model but missing "
                                      f"from {TABLE.name}") from None
        return self._add(record)

    def _add(self, record):
        parameter = Parameter(record.name, record.value, _export=False)
        self.model.add_component(parameter)
        return parameter
