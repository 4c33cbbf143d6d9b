"""The `soulspot` command (and `python -m soulspot`): Flask's commands plus ours."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from soulspot import create_app
from soulspot.cli import COMMANDS, DATABASE_ONLY_COMMANDS


def app_for_command() -> Flask:
    """The app a command loads: the database alone for the commands that only read."""
    ctx = click.get_current_context(silent=True)
    return create_app(web=ctx is None or ctx.command not in DATABASE_ONLY_COMMANDS)


class SoulSpotGroup(FlaskGroup):
    """Flask's group, except that listing the commands (`--help`) does not build the app.

    Every command is registered on the group itself (Flask-Migrate's `db` as a lazy group),
    so none needs the app to be found; the app is built by the commands that use it.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(self.commands)


@click.group(cls=SoulSpotGroup, create_app=app_for_command)
def main() -> None:
    """SoulSpot Enrichment: link a local music library to Spotify, Deezer and MusicBrainz."""


# On the group, not only on app.cli: found without building the app, so `serve` binds its
# port before anything else and `--help` stays fast.
for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
