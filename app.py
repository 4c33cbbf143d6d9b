"""The WSGI entry for other servers (gunicorn app:app) and `flask --app app run`."""

from soulspot import create_app, database

app = create_app()
database.prepare(app)
