"""Writing the tidy tables (`tables.build_tables`) as CSV files, Parquet files, an SQLite or a DuckDB database.

CSV and SQLite need only the standard library; Parquet needs `pyarrow` and DuckDB needs `duckdb` (extra
`export`). Every writer replaces its output whole: files are written under a temporary name and renamed.
Default destinations, inside the run's directory: ``export/csv/``, ``export/parquet/``, ``export.sqlite``,
``export.duckdb``.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from extractor.dataset.tables import Kind, Table
from extractor.errors import ConfigError, InputError
from extractor.output import write_atomic

FORMATS = ("csv", "parquet", "sqlite", "duckdb")
_SQL_TYPES: dict[Kind, str] = {"string": "TEXT", "integer": "INTEGER", "double": "REAL", "boolean": "INTEGER"}
_DUCK_TYPES: dict[Kind, str] = {"string": "VARCHAR", "integer": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}


def default_destination(out_dir: Path, fmt: str) -> Path:
    return out_dir / "export" / fmt if fmt in ("csv", "parquet") else out_dir / f"export.{fmt}"


def _values(table: Table) -> list[list[Any]]:
    return [[row.get(name) for name in table.column_names] for row in table.rows]


def csv_text(table: Table) -> str:
    """RFC 4180 CSV with a header; empty cell for null, `true`/`false` for booleans."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    for values in _values(table):
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in values])
    return buffer.getvalue()


def write_csv(tables: Sequence[Table], dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in tables:
        write_atomic(dest / f"{table.name}.csv", csv_text(table))
        paths.append(dest / f"{table.name}.csv")
    return paths


def _arrow_table(table: Table) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "double": pa.float64(), "boolean": pa.bool_()}
    schema = pa.schema([pa.field(c.name, types[c.kind], metadata={"doc": c.doc}) for c in table.columns])
    columns = {c.name: [row.get(c.name) for row in table.rows] for c in table.columns}
    return pa.Table.from_pydict(columns, schema=schema)


def write_parquet(tables: Sequence[Table], dest: Path) -> list[Path]:
    import pyarrow.parquet as pq

    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in tables:
        path = dest / f"{table.name}.parquet"
        _replace(path, lambda tmp, t=table: pq.write_table(_arrow_table(t), tmp))  # type: ignore[misc]
        paths.append(path)
    return paths


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write `path` through `write(tmp)` and rename over it."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _create_sql(table: Table, types: dict[Kind, str]) -> str:
    columns = ", ".join(f'"{c.name}" {types[c.kind]}' for c in table.columns)
    return f'CREATE TABLE "{table.name}" ({columns})'


def write_sqlite(tables: Sequence[Table], dest: Path) -> list[Path]:
    def write(tmp: Path) -> None:
        with sqlite3.connect(tmp) as db:
            for table in tables:
                db.execute(_create_sql(table, _SQL_TYPES))
                marks = ", ".join("?" for _ in table.columns)
                db.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', _values(table))
        db.close()

    dest.parent.mkdir(parents=True, exist_ok=True)
    _replace(dest, write)
    return [dest]


def write_duckdb(tables: Sequence[Table], dest: Path) -> list[Path]:
    import duckdb

    def write(tmp: Path) -> None:
        with duckdb.connect(str(tmp)) as db:
            for table in tables:
                db.execute(_create_sql(table, _DUCK_TYPES))
                db.register("rows_view", _arrow_table(table))
                db.execute(f'INSERT INTO "{table.name}" SELECT * FROM rows_view')
                db.unregister("rows_view")

    dest.parent.mkdir(parents=True, exist_ok=True)
    _replace(dest, write)
    return [dest]


WRITERS: dict[str, Callable[[Sequence[Table], Path], list[Path]]] = {
    "csv": write_csv, "parquet": write_parquet, "sqlite": write_sqlite, "duckdb": write_duckdb,
}  # fmt: skip
_NEEDS = {"parquet": "pyarrow", "duckdb": "duckdb"}


def export_tables(tables: Sequence[Table], fmt: str, dest: Path) -> list[Path]:
    if fmt not in WRITERS:
        raise InputError(f"--to {fmt}: choose one of {', '.join(FORMATS)}")
    try:
        return WRITERS[fmt](tables, dest)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"--to {fmt} needs {_NEEDS.get(fmt, exc.name)}: pip install 'extractor[export]'"
        ) from exc
    except OSError as exc:
        raise InputError(f"{dest}: cannot write the {fmt} export ({exc.strerror or exc})") from exc
