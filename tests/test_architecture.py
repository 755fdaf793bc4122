"""The direction of imports (docs/architecture.md), checked on the source itself.

``python -m tests.test_architecture`` prints which package imports which.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("app", "workers", "config")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[str, str]]:
    """(module, name) for every import in ``path``; name is "" for ``import module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name


def _files(package: str) -> list[Path]:
    base = ROOT.joinpath(*package.split("."))
    return sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]


def package_of(module: str) -> str:
    """``app.workflow.queue`` -> ``app.workflow``; ``workers.tasks.x`` -> ``workers``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "app" and len(parts) > 1 else parts[0]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for top in SOURCE_DIRS:
        for path in _files(top):
            source = package_of(_module_name(path))
            for module, _ in _imports(path):
                if module.split(".")[0] in SOURCE_DIRS:
                    target = package_of(module)
                    if target != source:
                        graph[source].add(target)
    return graph


def _violations(package: str, forbidden: set[tuple[str, str]]) -> list[str]:
    """Imports under ``package`` of a (module prefix, name) pair; name "" means any name."""
    found = []
    for path in _files(package):
        for module, name in _imports(path):
            for prefix, banned in forbidden:
                hit_module = module == prefix or module.startswith(prefix + ".")
                if hit_module and (not banned or name == banned):
                    found.append(f"{path.relative_to(ROOT)}: {module} {name}".strip())
    return found


SERVICE_PACKAGES = ["app.workflow", "app.archive", "app.ingest", "app.exports"]
HTTP_OBJECTS = {("flask", "request"), ("flask", "Response"), ("app.api", "")}


@pytest.mark.parametrize("package", SERVICE_PACKAGES)
def test_services_know_nothing_of_http(package: str) -> None:
    assert _violations(package, HTTP_OBJECTS) == []


@pytest.mark.parametrize("package", ["app.archive", "app.ingest"])
def test_toolkits_import_no_use_case(package: str) -> None:
    assert _violations(package, {("app.workflow", ""), ("app.exports", "")}) == []


def test_pages_do_not_import_the_api() -> None:
    assert _violations("app.web", {("app.api", "")}) == []


def test_models_import_no_rule_and_no_front_door() -> None:
    banned = {("app.workflow", ""), ("app.api", ""), ("app.web", ""), ("workers", "")}
    assert _violations("app.models", banned) == []


def test_settings_are_read_typed_not_by_string() -> None:
    """``settings().X``, never ``current_app.config["X"]`` (keys Flask itself reads excepted)."""
    flask_keys = {"SETTINGS", "SECRET_KEY", "MAX_CONTENT_LENGTH", "OUTBOX_SEND_ON_COMMIT"}
    found = []
    for top in SOURCE_DIRS:
        for path in _files(top):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                key = _config_key(node)
                if (
                    key is not None
                    and key not in flask_keys
                    and not key.startswith(_FLASK_PREFIXES)
                ):
                    found.append(f"{path.relative_to(ROOT)}: {key}")
    assert found == []


_FLASK_PREFIXES = ("SESSION_", "WTF_")


def _config_key(node: ast.AST) -> str | None:
    """The string key of ``<x>.config["KEY"]`` or ``<x>.config.get("KEY", ...)``."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "config"
        and isinstance(node.slice, ast.Constant)
    ):
        return str(node.slice.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "config"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


if __name__ == "__main__":
    for source, targets in sorted(package_graph().items()):
        print(f"{source:16} -> {', '.join(sorted(targets))}")
