"""Recognition tests build an active pair through the real services (engagement fixtures)."""

from turnabout.engagement.tests.conftest import fast_passwords, make_pair, pair

__all__ = ["fast_passwords", "make_pair", "pair"]
