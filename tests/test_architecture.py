"""Layering rules: the core stays Qt-free, the UI stays free of storage and parsing, nothing reads outside."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "cst_directory"
UI = PACKAGE / "ui"

FORBIDDEN_IN_UI = ("sqlite3", "phonenumbers")
QT_MODULES = ("PySide6", "shiboken6")

_IMPORT_CORE = textwrap.dedent(
    """
    import importlib
    import json
    import pkgutil
    import sys

    import cst_directory
    import cst_directory.domain
    import cst_directory.storage

    imported = []
    for package in (cst_directory.domain, cst_directory.storage):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
            imported.append(info.name)
    print(json.dumps({"imported": imported, "modules": sorted(sys.modules)}))
    """
)


def test_core_imports_no_qt() -> None:
    done = subprocess.run([sys.executable, "-c", _IMPORT_CORE], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    imported: list[str] = report["imported"]
    modules: list[str] = report["modules"]
    # The walk really found the core: otherwise the check below proves nothing.
    for expected in ("cst_directory.domain.phone", "cst_directory.domain.search",
                     "cst_directory.storage.directory_file", "cst_directory.storage.paths"):
        assert expected in imported
    expected_files = {p.stem for p in (PACKAGE / "domain").glob("*.py") if p.stem != "__init__"}
    assert expected_files <= {name.rsplit(".", 1)[1] for name in imported}
    for qt in QT_MODULES:
        leaked = [m for m in modules if m == qt or m.startswith(qt + ".")]
        assert leaked == [], f"the core imports {qt}"


def _ui_modules() -> list[Path]:
    return sorted(UI.rglob("*.py")) if UI.is_dir() else []


def _imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call):
            # importlib.import_module("x") and __import__("x") count as imports too.
            func = node.func
            called = ""
            if isinstance(func, ast.Attribute):
                called = func.attr
            elif isinstance(func, ast.Name):
                called = func.id
            if called in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
    return names


def _opens_files(tree: ast.AST) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        bare = isinstance(func, ast.Name) and func.id == "open"
        qualified = (isinstance(func, ast.Attribute) and func.attr == "open"
                     and isinstance(func.value, ast.Name)
                     and func.value.id in ("io", "os", "builtins", "codecs"))
        if bare or qualified:
            lines.append(node.lineno)
    return sorted(lines)


def test_the_import_scan_catches_what_it_is_meant_to() -> None:
    tree = ast.parse("import sqlite3\nfrom phonenumbers import parse\nimport importlib\n"
                     "importlib.import_module('sqlite3')\nwith open('x') as f: pass\nio.open('y')\n")
    assert {"sqlite3", "phonenumbers"} <= _imported_names(tree)
    assert _opens_files(tree) == [5, 6]
    clean = ast.parse("from PySide6.QtCore import QFile\nQFile('x').open(QFile.ReadOnly)\n")
    assert _imported_names(clean) == {"PySide6.QtCore"}
    assert _opens_files(clean) == []


@pytest.mark.parametrize("path", _ui_modules() or [None], ids=lambda p: p.name if p else "no-ui-modules")
def test_ui_does_not_touch_storage_or_parsing(path: Path | None) -> None:
    if path is None:
        pytest.skip("the ui package has no modules yet")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name in _imported_names(tree):
        top = name.split(".", 1)[0]
        assert top not in FORBIDDEN_IN_UI, f"{path.name} imports {name}"
    assert _opens_files(tree) == [], f"{path.name} calls open()"


def test_nothing_reads_a_shared_reference_outside_the_package() -> None:
    files = [p for p in SRC.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "phone.py" for p in files)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for needle in ("../shared", "shared/reference", "..\\shared", "shared\\reference"):
            assert needle not in text, f"{path.relative_to(ROOT)} mentions {needle!r}"
