"""The production settings keep what the test settings relax."""

from __future__ import annotations

import importlib


def test_production_hashes_passwords_with_argon2_and_tests_use_a_fast_hasher() -> None:
    from django.conf import settings

    production = importlib.import_module("turnabout.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
