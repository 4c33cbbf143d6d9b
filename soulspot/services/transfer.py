"""Copying a whole library from one database to another (SQLite to PostgreSQL, say).

Both must be at the same schema revision and the target empty. Rows go through the models'
tables, so each column's type converts them (dates, JSON, booleans), parents before children,
in batches, in one transaction on the target: a failed copy leaves it empty.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, Select, Table, func, insert, select, text

import soulspot.models  # noqa: F401  (registers every table on the metadata)
from soulspot.errors import InvalidStateError
from soulspot.extensions import db

#: The running server's scheduler lock belongs to the old database's process, not the
#: library; the target's own triggers count the copied rows into its library_counts.
NOT_COPIED = frozenset({"process_locks", "library_counts"})
BATCH_SIZE = 1000


def copy_database(
    source: Engine,
    target: Engine,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every table's rows from `source` to the empty `target`; the rows per table.

    InvalidStateError when the revisions differ or the target holds rows already.
    """
    tables = [table for table in db.metadata.sorted_tables if table.name not in NOT_COPIED]
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        source_revision, target_revision = _revision(reading), _revision(writing)
        if source_revision != target_revision:
            raise InvalidStateError(
                f"the source is at schema revision {source_revision}, the target at "
                f"{target_revision}: upgrade both (`soulspot db upgrade`) first"
            )
        filled = [table.name for table in tables if writing.scalar(_count(table))]
        if filled:
            raise InvalidStateError(f"the target database is not empty ({', '.join(filled)})")
        for table in tables:
            rows = reading.execution_options(yield_per=batch_size).execute(select(table))
            count = 0
            for batch in rows.partitions():
                writing.execute(insert(table), [dict(row._mapping) for row in batch])
                count += len(batch)
            copied[table.name] = count
            if progress is not None:
                progress(table.name, count)
    return copied


def _revision(connection: Connection) -> str | None:
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _count(table: Table) -> Select[tuple[int]]:
    return select(func.count()).select_from(table)
