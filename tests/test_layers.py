"""Apps depend downward only (STYLE.md, Layers): the import-linter contract in
pyproject.toml, checked by `lint-imports` here as in CI (.ci/run)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_contract_is_kept():
    result = _lint_imports(ROOT / "pyproject.toml")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_would_catch_an_app_importing_one_above_it(tmp_path):
    # Given the same contract with the apps upside down
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = config["contracts"][0]
    layers = ", ".join(f'"{name}"' for name in reversed(contract["layers"]))
    roots = ", ".join(f'"{name}"' for name in config["root_packages"])
    upside_down = tmp_path / "upside_down.toml"
    upside_down.write_text(
        f"[tool.importlinter]\nroot_packages = [{roots}]\n\n"
        f'[[tool.importlinter.contracts]]\nname = "upside down"\ntype = "layers"\n'
        f"layers = [{layers}]\n"
    )

    # When it is checked, then every downward import is reported as broken
    result = _lint_imports(upside_down)

    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
    assert re.search(r"- orders\.[\w.]+ -> inventory\.[\w.]+ \(l\.\d+\)", result.stdout)


def test_no_module_outside_migrations_and_tests_is_over_500_lines():
    """Issue 15: a module past 500 lines is split along its own seams."""
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "git lists the project's modules"
    too_long = {
        name: lines
        for name in tracked
        if "/migrations/" not in name
        and not name.startswith("tests/")
        and (lines := len((ROOT / name).read_text(encoding="utf-8").splitlines())) > 500
    }
    assert too_long == {}
