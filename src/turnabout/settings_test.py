"""Settings of the test suite: the real settings, with a fast password hasher.

Argon2 is slow by design, and the suite creates thousands of accounts; no test checks how
passwords are hashed (the production choice is pinned by a test on `turnabout.settings`).
pytest uses this module (pyproject's DJANGO_SETTINGS_MODULE).
"""

from turnabout.settings import *  # noqa: F403  # the real settings, then the test changes

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
