import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are created per test; real PBKDF2 rounds only slow the suite down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
