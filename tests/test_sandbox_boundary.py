"""The product never imports the Zoom sandbox: `slotlink run` starts it as a process of its
own, and a production install (`pip install .`) does not have it."""

import ast
import importlib.util
import os
from pathlib import Path

import pytest

from slotlink.shell.processes import SANDBOX_MODULE, run_demo

PRODUCT = Path(__file__).resolve().parents[1] / "src" / "slotlink"
SANDBOX = SANDBOX_MODULE
# Calls that import the module named by their first argument.
IMPORTING_CALLS = {"import_module", "__import__", "run_module", "import_string"}


def is_sandbox(name: str) -> bool:
    return name == SANDBOX or name.startswith(f"{SANDBOX}.")


def sandbox_imports(path: Path) -> list[str]:
    """Where `path` imports the sandbox: import statements, and calls such as
    importlib.import_module("zoom_sandbox")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", "")
            )
            first = node.args[0]
            if called in IMPORTING_CALLS and isinstance(first, ast.Constant):
                names = [str(first.value)]
        found += [
            f"{path.relative_to(PRODUCT.parent)}:{node.lineno} {n}" for n in names if is_sandbox(n)
        ]
    return found


def test_the_product_never_imports_the_sandbox() -> None:
    """No module under src/slotlink imports zoom_sandbox (by statement or by name)."""
    modules = sorted(PRODUCT.rglob("*.py"))
    assert len(modules) > 50  # the product's tree, not an empty directory
    assert [found for path in modules for found in sandbox_imports(path)] == []


def test_slotlink_run_without_the_sandbox_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the sandbox is not installed (as in a production install), `slotlink run` says
    how to install it and changes nothing: no environment, no umask, no process."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == SANDBOX else find_spec(name, *args),
    )
    environment = dict(os.environ)
    umask = os.umask(0o022)
    os.umask(umask)
    assert run_demo([]) == 2
    assert "pip install ./zoom-sandbox" in capsys.readouterr().out
    assert dict(os.environ) == environment
    assert os.umask(umask) == umask
