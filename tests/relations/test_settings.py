import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "relations.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://relations.example.org",
    "DJANGO_SITE_URL": "https://relations.example.org",
}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "REDIS_URL"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_a_site_url_for_reset_links():
    env = {**PRODUCTION_ENV, "DJANGO_SITE_URL": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "relations.W001" in result.stdout + result.stderr


def test_without_redis_sessions_live_in_the_database_never_a_process_cache():
    code = (
        "from django.conf import settings as s; print(s.SESSION_ENGINE, s.PAGE_CACHE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    # No whole pages kept either: a process's own cache would not see other workers'
    # writes.
    assert result.stdout.split() == ["django.contrib.sessions.backends.db", "False"], (
        result.stderr
    )


def test_with_redis_sessions_and_the_cache_are_shared_through_it():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_ENGINE, s.SESSION_CACHE_ALIAS, s.CACHES['default']['BACKEND'],"
        " s.CACHES['default']['LOCATION'], s.PAGE_CACHE)"
    )
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://cache.internal:6379/3"}
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == [
        "django.contrib.sessions.backends.cached_db",
        "default",
        "relations.cache.RedisCache",
        "redis://cache.internal:6379/3",
        "True",  # whole pages are kept only in a cache every server shares
    ], result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_turn_on_https_protections():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False"], (
        result.stderr
    )


def test_development_fallback_key_is_marked_insecure():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env={"DJANGO_DEBUG": "1"},
    )
    assert result.stdout.strip().startswith("django-insecure-")
