"""Use cases: what the blueprints, the CLI and the jobs call."""
