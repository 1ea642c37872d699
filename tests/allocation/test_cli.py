"""The command line: python -m portal.allocation solve INSTANCE.json [-o RESULT.json]."""

import io
import json
import os
import subprocess
import sys

import pytest

from portal.allocation.__main__ import main
from portal.allocation.solver import allocate, solve
from tests.allocation.randomized import random_instance

INSTANCE = {
    "sessions": [
        {"id": "game", "slot": "d1-am", "capacity": 50, "table_size": 10},
        {"id": "ws2", "slot": "d1-pm", "capacity": 80},
        {"id": "ws3", "slot": "d1-pm", "capacity": 1},
    ],
    "requires": [["game", "ws2"]],
    "attendees": [
        {"id": "a1", "ranking": ["ws3", "game"], "weight": 1, "group": "Stadt Halle"},
        {"id": "a2", "ranking": ["ws3"]},
    ],
    "pinned": [["a2", "ws2"]],
}


@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE), encoding="utf-8")
    return path


def test_cli_solve_prints_result_as_sorted_json(instance_file, capsys):
    assert main(["solve", str(instance_file)]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == solve(INSTANCE)
    assert json.loads(out)["assignments"] == {"a1": ["game", "ws2"], "a2": ["ws2"]}
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True) + "\n"


def test_cli_solve_writes_output_file(instance_file, tmp_path, capsys):
    target = tmp_path / "result.json"
    assert main(["solve", str(instance_file), "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == solve(INSTANCE)


def test_cli_solve_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(INSTANCE)))
    assert main(["solve", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == solve(INSTANCE)["objective"]


def test_cli_bad_instance_exits_2_naming_culprit(tmp_path, capsys):
    bad = dict(INSTANCE, attendees=[{"id": "a1", "ranking": ["ws9"]}])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Fehler: Teilnehmende 'a1': unbekannte Sitzung 'ws9' in der Rangfolge.\n"


def test_cli_malformed_json_exits_2_with_position(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"sessions": [\n  {"id": "x",}\n]}', encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Fehler: {path}: kein gültiges JSON (Zeile 2, Spalte 14")


def test_cli_missing_file_exits_2(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: Datei nicht lesbar" in capsys.readouterr().err


def test_cli_without_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "usage: python -m portal.allocation" in capsys.readouterr().err


def test_cli_module_output_is_identical_across_processes(tmp_path):
    instance = random_instance(11, people=(40, 40), slots=(4, 4), pairs=(1, 2, 2), pins=4)
    instance["sessions"].append({"id": "extra", "slot": "t9", "capacity": 3})
    instance["requires"].append(["s10", "extra"])
    assert {c.method for c in allocate(instance).components} == {"flow", "paired-flow", "mip"}
    source, target = tmp_path / "instance.json", tmp_path / "result.json"
    source.write_text(json.dumps(instance), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "portal.allocation", "solve", str(source), "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8")) == solve(instance)


def test_cli_module_bad_instance_exits_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(dict(INSTANCE, requires=[["game", "ws2"], ["ws2", "game"]])))
    done = subprocess.run(
        [sys.executable, "-m", "portal.allocation", "solve", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Zyklus: game → ws2 → game" in done.stderr
