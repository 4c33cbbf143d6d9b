"""Test doubles: the fake provider server (tests.fakes.server) and its helpers."""
