"""The `soulspot` command (and `python -m soulspot`): Flask's commands plus ours."""

import click
from flask.cli import FlaskGroup

from soulspot import create_app
from soulspot.cli import serve


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """SoulSpot Enrichment: link a local music library to Spotify, Deezer and MusicBrainz."""


# Found without building the app, so `serve` binds its port before anything else.
main.add_command(serve)

if __name__ == "__main__":
    main()
