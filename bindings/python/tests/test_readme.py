"""Every Python example of the package README runs, in order, as a notebook would run them."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_examples_run(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    for code in blocks:
        exec(compile(code, str(README), "exec"), scope)
    assert (tmp_path / "rank-intervals.png").stat().st_size > 10_000
    # The flagship question has an answer: some province's rank interval spans several places.
    intervals = scope["intervals"]
    assert (intervals["rank_p95"] - intervals["rank_p05"]).max() >= 2
    assert "ho-chi-minh" in capsys.readouterr().out or scope["top"]["name"][0]
