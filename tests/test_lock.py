"""The lock files pin every dependency pyproject.toml names (re-run `make lock` after a change)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[\[<>=~!; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def _locked(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^ \\]+)", path.read_text(), re.M)
    return {name.lower().replace("_", "-"): version for name, version in pins}


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", []), ("requirements-dev.lock", ["dev"])]
)
def test_every_dependency_is_locked_with_hashes(lock: str, extras: list[str]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"])
    for extra in extras:
        wanted |= _names(project["optional-dependencies"][extra])
    text = (ROOT / lock).read_text()
    assert wanted <= set(_locked(ROOT / lock)), wanted - set(_locked(ROOT / lock))
    assert text.count("==") == text.count("==") and "--hash=sha256:" in text
    pins = re.findall(
        r"^[A-Za-z0-9_.\-]+==[^\n]*\n(?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+", text, re.M
    )
    assert len(pins) == len(_locked(ROOT / lock))  # every pin carries its hashes
