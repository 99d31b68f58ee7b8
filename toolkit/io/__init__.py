"""Readers: official GENESIS exports and the canonical municipal tables.

- :func:`read_genesis` reads a GENESIS / Regionalstatistik flat CSV export.
- :func:`read_table` reads and validates one municipal table (CSV, Excel,
  Parquet) against its pandera schema (:mod:`toolkit.io.schemas`).
- :func:`read_dataset` reads a directory of tables into a :class:`Dataset`;
  :func:`read_sample` reads the synthetic sample Land "Musterland".

Every problem becomes one :class:`toolkit.errors.DataError` naming file,
column, rows and what to do.

Examples
--------
>>> df = read_genesis(GENESIS_SAMPLE_DIR / "12411-01-01-4_de_flat.csv")
>>> df.loc[(df.region_code == "08111") & (df.GES == ""), "value"].item()
612663.0
"""

from toolkit.io._source import DataWarning
from toolkit.io.dataset import Dataset, read_dataset, read_sample
from toolkit.io.genesis import GENESIS_SAMPLE_DIR, read_genesis
from toolkit.io.schemas import TABLES, ColumnSpec, TableSpec, table_schema
from toolkit.io.tables import read_table

__all__ = [
    "GENESIS_SAMPLE_DIR",
    "TABLES",
    "ColumnSpec",
    "DataWarning",
    "Dataset",
    "TableSpec",
    "read_dataset",
    "read_genesis",
    "read_sample",
    "read_table",
    "table_schema",
]
