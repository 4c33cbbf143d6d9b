"""Constants the provider unit tests share (their fixtures: tests/unit/providers/conftest.py)."""

BASE = "https://provider.test/api"
UA = "SoulSpot/test ( https://example.org/contact )"
