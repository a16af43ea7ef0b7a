"""`PORT=8001 make run` serves on 8001 and the demo summary names that URL."""

import os
import subprocess
from pathlib import Path

from portal.demo.people import site_url

ROOT = Path(__file__).resolve().parents[2]


def _make_run_dry(env_port: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    if env_port is not None:
        env["PORT"] = env_port
    done = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_make_run_serves_the_port_from_the_environment():
    out = _make_run_dry("8001")
    assert "runserver 127.0.0.1:8001" in out
    assert "http://127.0.0.1:8001/" in out


def test_make_run_defaults_to_8000():
    out = _make_run_dry(None)
    assert "runserver 127.0.0.1:8000" in out


def test_demo_summary_names_the_served_url(monkeypatch):
    monkeypatch.setenv("PORT", "8001")
    assert site_url() == "http://127.0.0.1:8001/"
    monkeypatch.delenv("PORT")
    assert site_url() == "http://127.0.0.1:8000/"
