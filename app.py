from soulspot import create_app

app = create_app()
