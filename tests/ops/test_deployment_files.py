"""What can be checked of the compose stack and the image without a Docker
engine: the files agree with each other, with pyproject and with the README,
and the wheel holds every app. (The HTTP chain itself runs in CI against
gunicorn and Caddy: scripts/chain_over_http.py, .ci/run.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from django.apps import apps

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat", "backup")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _readme_settings() -> list[str]:
    """The variables of README's configuration table (first column, in backticks)."""
    text = (BASE_DIR / "README.md").read_text()
    table = text.split("## Configuration (environment)", 1)[1].split("\n## ", 1)[0]
    names = []
    for row in table.splitlines():
        if row.startswith("| `"):
            first = row.split("|")[1]
            names += re.findall(r"`([A-Z][A-Z0-9_]+)`", first)
    return names


def _our_apps() -> list[str]:
    return [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    ]


def test_every_setting_readme_lists_is_passed_to_every_app_service(compose):
    names = _readme_settings()
    assert {"SECRET_KEY", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "HTTPS"} <= set(
        names
    )
    missing = {
        service: sorted(set(names) - set(compose["services"][service]["environment"]))
        for service in APP_SERVICES
    }
    assert missing == dict.fromkeys(APP_SERVICES, [])


def test_compose_fills_each_setting_from_the_operators_environment(compose):
    """An operator sets EMAIL_PORT=465 in .env and it reaches the app."""
    env = compose["services"]["web"]["environment"]
    fixed = {"DEBUG", "BACKUP_DIR"}  # production by definition; the backups volume
    not_passed = [
        name
        for name in _readme_settings()
        if name not in fixed and f"${{{name}" not in str(env[name]) and name != "DATABASE_URL"
    ]
    assert not_passed == []


def test_health_checks_use_liveness_in_the_image_and_readiness_in_compose(compose):
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    [healthcheck] = re.findall(r"HEALTHCHECK[^\n]*\n[^\n]*", dockerfile)
    assert "/healthz" in healthcheck
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert compose["services"]["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    # Services without an HTTP server must not inherit the image's web check.
    for service in ("worker", "beat", "backup"):
        check = compose["services"][service]["healthcheck"]
        assert check.get("disable") or "/healthz" not in str(check["test"])


def test_the_web_is_reached_through_caddy_only(compose):
    web, caddy = compose["services"]["web"], compose["services"]["caddy"]
    assert "ports" not in web
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert {"SITE_ADDRESS", "CADDY_TLS"} <= set(caddy["environment"])


def _caddy_config(tmp_path, **env) -> dict:
    caddy = shutil.which("caddy")
    assert caddy, "caddy is installed by scripts/system-deps.sh test"
    result = subprocess.run(
        [caddy, "adapt", "--adapter", "caddyfile", "--config", "deploy/Caddyfile"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["apps"]


def test_caddy_serves_https_with_its_own_ca_by_default(tmp_path):
    config = _caddy_config(tmp_path)
    [policy] = config["tls"]["automation"]["policies"]
    assert policy == {"subjects": ["localhost"], "issuers": [{"module": "internal"}]}
    [server] = config["http"]["servers"].values()
    assert server["listen"] == [":443"]


def test_caddy_takes_a_public_certificate_for_a_public_name(tmp_path):
    config = _caddy_config(tmp_path, SITE_ADDRESS="erp.example.com", CADDY_TLS="ops@example.com")
    [policy] = config["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["erp.example.com"]
    assert {"module": "acme", "email": "ops@example.com"} in policy["issuers"]


def test_caddy_serves_plain_http_in_the_plain_http_mode(tmp_path):
    config = _caddy_config(tmp_path, SITE_ADDRESS="http://erp.lan")
    assert "tls" not in config
    [server] = config["http"]["servers"].values()
    assert server["listen"] == [":80"]


def test_the_image_installs_the_package_after_copying_all_of_it():
    lines = [line.strip() for line in (BASE_DIR / "Dockerfile").read_text().splitlines()]
    copy_all = lines.index("COPY . .")
    install = next(i for i, line in enumerate(lines) if "pip install --no-deps ." in line)
    assert copy_all < install
    # Nothing a package or the site needs is left out of the build context.
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    include = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    needed = [name.rstrip("*") for name in include] + [
        "templates",
        "static",
        "locale",
        "deploy",
        "manage.py",
    ]
    assert [name for name in needed if name in ignored] == []


def test_pyproject_lists_every_app_of_ours():
    include = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    top = {name.split(".")[0] for name in _our_apps()}
    assert sorted(top - {name.rstrip("*") for name in include}) == []


def test_the_wheel_holds_every_module_of_every_app(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(tmp_path)],
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("salesadmin-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for app in {name.split(".")[0] for name in _our_apps()}:
        for source in (BASE_DIR / app).rglob("*.py"):
            name = source.relative_to(BASE_DIR).as_posix()
            if "__pycache__" not in name and name not in inside:
                missing.append(name)
    assert missing == []
    assert "reports/models.py" in inside or "reports/__init__.py" in inside
