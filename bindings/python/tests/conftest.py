"""Shared fixtures: the repository, the native `dti` command (DTI_NATIVE) to compare with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def native():
    """Runs the native command and parses its JSON output."""
    exe = os.environ.get("DTI_NATIVE")
    if not exe:
        pytest.fail("DTI_NATIVE is not set: point it at a built dti command")

    def run(*args: str):
        out = subprocess.run([exe, *args, "--format", "json"], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def panel_records():
    return json.loads((FIXTURES / "vn-provinces-synthetic/panel.json").read_text())
