"""The annotations and the native module's stubs hold: mypy --strict on the package and on a
typical use of it."""

import os
import subprocess
import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent


def test_mypy_strict_passes_on_the_package_and_a_use_of_it():
    # The package's source (with the native module's stub beside it) and a use of it.
    source = HERE.parent / "python"
    out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                          str(source / "dti"), str(HERE / "typed_use.py")],
                         capture_output=True, text=True, cwd=HERE, env={**os.environ, "MYPYPATH": str(source)})
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_catches_a_wrong_call():
    bad = HERE / "_wrong_use.py"
    bad.write_text("import dti\nx: int = dti.score('a.csv')\n")
    try:
        out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)],
                             capture_output=True, text=True, cwd=HERE)
    finally:
        bad.unlink()
    assert out.returncode != 0 and "Incompatible types" in out.stdout, out.stdout
