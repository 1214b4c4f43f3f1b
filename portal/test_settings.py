"""Settings for the test suite: the embedded defaults in a throw-away folder, plus DATABASE_URL and
REDIS_URL when they are set (CI runs the suite on PostgreSQL and Redis)."""

import os
import tempfile

from cryptography.fernet import Fernet

# Set before the main module reads them; subprocesses started by tests (Celery worker, emulator)
# inherit the same values through the environment.
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))
os.environ.setdefault("CREDENTIALS_KEY", Fernet.generate_key().decode())
os.environ.setdefault("PORTAL_ENV", "embedded")
os.environ.setdefault("PORTAL_TEST_CACHE_PREFIX", f"test-{os.getpid()}")

from portal.settings import *  # noqa: F403
from portal.settings import CACHES, DATABASES, REDIS_URL, VAR_DIR

DEBUG = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A test database in a file, not in memory: Django's live server shares one in-memory
    # connection between its request threads, and the browser's parallel htmx requests then
    # failed on it ("database table is locked"). A file gives each thread its own connection,
    # waiting for the lock as the embedded run's processes do.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if REDIS_URL:
    # Keep this run's keys apart from anything else that uses the same Redis.
    CACHES["default"]["KEY_PREFIX"] = os.environ["PORTAL_TEST_CACHE_PREFIX"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
}
