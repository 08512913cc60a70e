"""Fixtures of the pairing tests (defined in `fixtures.py`, which other apps import too)."""

from turnabout.pairing.tests.fixtures import build_cohort, fast_passwords

__all__ = ["build_cohort", "fast_passwords"]
