"""Settings of the test suite: the real settings, with a fast password hasher.

Argon2 is slow by design, and the suite creates thousands of accounts; no test checks how
passwords are hashed (the production choice is pinned by a test on `turnabout.settings`).
pytest uses this module (pyproject's DJANGO_SETTINGS_MODULE).
"""

import os

# Production refuses to start without SECRET_KEY (DEBUG=0); the tests run as production
# does, with a key of their own (inherited by the worker and server subprocesses they start).
os.environ.setdefault("SECRET_KEY", "test-suite-only-key-never-used-in-production")

from turnabout.settings import *  # noqa: F403  # the real settings, then the test changes

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# API fuzzing makes thousands of calls a minute with one token; the per-token rate limit
# has its own tests (tests/api/test_token_rate_limit.py), which set the limit they check.
TURNABOUT_TOKEN_RATE_LIMIT = 0
