"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portal.environment import database_from_url, env_bool, env_networks

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "x" * 60 + "production-secret-for-the-check-only",
    "CREDENTIALS_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgresql://portal:pw@db.internal:5432/portal",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "portail.example.fr",
    "EMAIL_HOST": "smtp.example.fr",
    "PORTAL_BASE_URL": "https://portail.example.fr",
}


def _manage(*args, env):
    # Only what production would have: no test-only variable such as DJANGO_ALLOW_ASYNC_UNSAFE.
    leaked = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "PORTAL_VAR_DIR"}
    clean = {k: v for k, v in os.environ.items() if k not in leaked}
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_production_check_deploy_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "CREDENTIALS_KEY", "DATABASE_URL", "REDIS_URL", "PORTAL_BASE_URL"]
)
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set when PORTAL_ENV=production" in result.stderr


def test_database_url_is_parsed_for_postgresql():
    config = database_from_url("postgresql://user:p%40ss@db:6543/portal?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "user",
        "p@ss",
        "db",
        "6543",
    )
    assert config["NAME"] == "portal"
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://db/portal")


def test_a_boolean_setting_refuses_garbage(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False


def test_trusted_proxies_accept_addresses_and_networks_and_refuse_typos(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/24,::1")
    assert [str(n) for n in env_networks("TRUSTED_PROXIES", [])] == [
        "10.0.0.5/32",
        "10.1.0.0/24",
        "::1/128",
    ]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.300")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must list IP addresses"):
        env_networks("TRUSTED_PROXIES", [])
