"""The import contracts of pyproject.toml cover every module they mean to (checked by `make lint`)."""

import pkgutil
import tomllib
from pathlib import Path

import reporting

LINTER = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["tool"][
    "importlinter"
]
LEFT_OUT = {"templatetags", "migrations"}  # the tags themselves; migrations import no tags


def _contract(name: str) -> dict:
    return next(contract for contract in LINTER["contracts"] if contract["name"] == name)


def test_every_reporting_module_but_the_tags_is_kept_from_importing_them():
    contract = _contract("Views and services never import template tags")
    modules = {f"reporting.{info.name}" for info in pkgutil.iter_modules(reporting.__path__)}

    uncovered = modules - set(contract["source_modules"]) - {f"reporting.{name}" for name in LEFT_OUT}

    assert not uncovered, f"add these to the contract's source_modules: {sorted(uncovered)}"


def test_every_app_is_a_layer():
    contract = _contract("Layers: each app imports only the apps below it")
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}

    assert layered == set(LINTER["root_packages"])
