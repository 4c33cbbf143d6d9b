"""library counts kept by triggers

Revision ID: b8e2c4f61d37
Revises: 7d3e5b1c9a20
Create Date: 2026-12-02 03:10:00.000000

The dashboard and the status counted 1.5 million tracks and 170,000 artist and album rows on
every request (about 100 ms on SQLite, 230 ms on PostgreSQL, bench/scale.py). Triggers now
keep those counts in `library_counts`, whoever writes (the scanner, the linker, the artwork
store, a bulk insert, `copy-database`):

- SQLite has one writer at a time, so each row's triggers add to the one row (id 1).
- PostgreSQL locks rows: one hot row would serialise every writer and could deadlock two
  transactions that also share a library row. Its statement triggers append one row of
  deltas per statement instead (from the transition tables), and readers add the rows up and
  fold them into one now and then (services/status.py).

Other databases get the table but no triggers; the status counts live there. A later batch
migration of artists, albums or tracks on SQLite (which copies the table) drops their
triggers: it must create them again (`create_triggers`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b8e2c4f61d37"
down_revision = "7d3e5b1c9a20"
branch_labels = None
depends_on = None

FAILED = "'FAILED%'"


def _entity_counts(prefix: str, image: str) -> dict[str, str]:
    local = "{r}.has_local_files"
    return {
        f"{prefix}_local": local,
        f"{prefix}_local_spotify": f"{local} AND {{r}}.spotify_uri IS NOT NULL",
        f"{prefix}_local_deezer": f"{local} AND {{r}}.deezer_id IS NOT NULL",
        f"{prefix}_local_musicbrainz": f"{local} AND {{r}}.musicbrainz_id IS NOT NULL",
        f"{prefix}_images_cached": (
            f"{local} AND {{r}}.{image} IS NOT NULL AND {{r}}.{image} NOT LIKE {FAILED}"
        ),
        f"{prefix}_images_failed": f"{local} AND {{r}}.{image} LIKE {FAILED}",
        f"{prefix}_spotify": "{r}.spotify_uri IS NOT NULL",
        f"{prefix}_deezer": "{r}.deezer_id IS NOT NULL",
    }


#: Per table: the columns its counts read, and each count's condition on a row `{r}`.
COUNTED: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "artists": (
        ("has_local_files", "spotify_uri", "deezer_id", "musicbrainz_id", "image_path"),
        _entity_counts("artists", "image_path"),
    ),
    "albums": (
        ("has_local_files", "spotify_uri", "deezer_id", "musicbrainz_id", "cover_path"),
        _entity_counts("albums", "cover_path"),
    ),
    "tracks": (("file_path",), {"tracks_local": "{r}.file_path IS NOT NULL"}),
}


def _one(condition: str, row: str) -> str:
    return f"(CASE WHEN {condition.format(r=row)} THEN 1 ELSE 0 END)"


def _sum(condition: str, rows: str) -> str:
    return f"coalesce(sum({_one(condition, rows)}), 0)"


def upgrade() -> None:
    names = [name for _, counts in COUNTED.values() for name in counts]
    op.create_table(
        "library_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        *(sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in names),
    )
    # The library as it stands, counted once; the triggers keep it from here on.
    totals = [
        f"(SELECT {_sum(condition, table)} FROM {table})"
        for table, (_, counts) in COUNTED.items()
        for condition in counts.values()
    ]
    op.execute(f"INSERT INTO library_counts ({', '.join(names)}) SELECT {', '.join(totals)}")
    create_triggers(op.get_bind().dialect.name)


def create_triggers(dialect: str) -> None:
    """The counting triggers of every counted table, for SQLite or PostgreSQL."""
    for table, (columns, counts) in COUNTED.items():
        if dialect == "sqlite":
            _sqlite_triggers(table, columns, counts)
        elif dialect == "postgresql":
            _postgresql_triggers(table, counts)


def _sqlite_triggers(table: str, columns: tuple[str, ...], counts: dict[str, str]) -> None:
    events = {
        "insert": ("INSERT", lambda c: f"+ {_one(c, 'NEW')}"),
        "delete": ("DELETE", lambda c: f"- {_one(c, 'OLD')}"),
        "update": (
            f"UPDATE OF {', '.join(columns)}",
            lambda c: f"+ {_one(c, 'NEW')} - {_one(c, 'OLD')}",
        ),
    }
    for suffix, (event, delta) in events.items():
        assignments = ", ".join(f"{name} = {name} {delta(c)}" for name, c in counts.items())
        op.execute(
            f"CREATE TRIGGER library_counts_{table}_{suffix} AFTER {event} ON {table} "
            f"BEGIN UPDATE library_counts SET {assignments} WHERE id = 1; END"
        )


def _postgresql_triggers(table: str, counts: dict[str, str]) -> None:
    names = ", ".join(counts)
    nonzero = " OR ".join(f"{name} <> 0" for name in counts)
    added = ", ".join(f"{_sum(c, 'new_rows')} AS {name}" for name, c in counts.items())
    removed = ", ".join(f"-{_sum(c, 'old_rows')} AS {name}" for name, c in counts.items())
    changed = ", ".join(
        f"(SELECT {_sum(c, 'new_rows')} FROM new_rows) - (SELECT {_sum(c, 'old_rows')} "
        f"FROM old_rows) AS {name}"
        for name, c in counts.items()
    )
    events = {
        "insert": ("INSERT", "NEW TABLE AS new_rows", f"SELECT {added} FROM new_rows"),
        "delete": ("DELETE", "OLD TABLE AS old_rows", f"SELECT {removed} FROM old_rows"),
        "update": ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows", f"SELECT {changed}"),
    }
    for suffix, (event, transition, deltas) in events.items():
        function = f"library_counts_{table}_{suffix}"
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO library_counts ({names}) "
            f"SELECT {names} FROM ({deltas}) AS deltas WHERE {nonzero}; "
            f"RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {function} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in COUNTED:
        for suffix in ("insert", "delete", "update"):
            name = f"library_counts_{table}_{suffix}"
            if dialect == "sqlite":
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
            elif dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("library_counts")
