"""Helpers shared by the test suites (no fixtures: those live in conftest.py files)."""
