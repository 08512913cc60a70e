"""The ``turnabout match`` contract: files in, files out, one clear message on bad input."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from turnabout.matching import CRITERIA
from turnabout.matching.cli import main

SRC = Path(__file__).resolve().parents[3] / "src"


def _csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


MENTORS = _csv(
    "id,name,email,level,department,location,timezone,languages,manager_id,skills,"
    "interests,goals,formats,availability,ergs,exclude,capacity,generation",
    "m1,Ada,ada@example.org,2,Engineering,London,Europe/London,English,e9,"
    "ai tools:3;tiktok:2,chess;running,learn how leaders decide,video;chat,"
    "mon-am;wed-pm,Women in Tech,,2,Gen Z",
    "m2,Bo,bo@example.org,1,Marketing,Paris,Europe/Paris,English;French,,"
    "instagram:3;tiktok,cooking,understand strategy,in_person,tue-am,,e2,1,Gen Z",
)
MENTEES = _csv(
    "id,name,email,level,department,timezone,languages,wants,interests,goals,formats,"
    "availability,ergs,favourite colour",
    "e1,Cy,cy@example.org,6,Sales,Europe/London,English,ai tools:high;tiktok,chess,"
    "ai tools for leaders,video,mon-am;wed-pm,women in tech,blue",
    "e2,Di,di@example.org,7,Finance,Europe/Paris,French,instagram:high,cooking,"
    "social media strategy,in_person,tue-am,,green",
    "e9,Ed,ed@example.org,8,Engineering,Europe/London,English,tiktok:low,,,,,,red",
    "e5,Fi,fi@example.org,1,Legal,Europe/London,English,excel,,,,,,red",
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "mentors": tmp_path / "mentors.csv",
        "mentees": tmp_path / "mentees.csv",
        "out": tmp_path / "pairs.csv",
        "unmatched": tmp_path / "unmatched.csv",
        "scores": tmp_path / "scores.csv",
        "config": tmp_path / "match.toml",
        "org": tmp_path / "people.csv",
    }
    paths["mentors"].write_text(MENTORS)
    paths["mentees"].write_text(MENTEES)
    return paths


def run(files: dict[str, Path], *extra: str) -> int:
    return main(
        [
            "--mentors",
            str(files["mentors"]),
            "--mentees",
            str(files["mentees"]),
            "--out",
            str(files["out"]),
            "--unmatched",
            str(files["unmatched"]),
            *extra,
        ]
    )


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_writes_pairs_unmatched_and_scores(files, capsys):
    assert run(files, "--scores-out", str(files["scores"])) == 0
    pairs = rows(files["out"])
    assert list(pairs[0]) == ["mentor_id", "mentee_id", "score", *CRITERIA, "reasons"]
    assert {(p["mentor_id"], p["mentee_id"]) for p in pairs} == {
        ("m1", "e1"),
        ("m1", "e2"),
        ("m2", "e9"),
    }
    first = next(p for p in pairs if p["mentee_id"] == "e1")
    assert first["reasons"].startswith("offers 2 of 2 wanted topics: ai tools, tiktok")
    unmatched = rows(files["unmatched"])
    assert unmatched == [
        {
            "id": "e5",
            "role": "mentee",
            "reason": "no eligible mentor: 2 not at least 1 level junior",
        }
    ]
    scores = rows(files["scores"])
    assert {(s["mentor_id"], s["mentee_id"]) for s in scores} >= {
        (p["mentor_id"], p["mentee_id"]) for p in pairs
    }
    assert ("m2", "e2") not in {(s["mentor_id"], s["mentee_id"]) for s in scores}  # excluded
    assert "matched 3 pairs" in capsys.readouterr().out


def test_config_and_org_files_are_used(files):
    files["config"].write_text(
        "[constraints]\nreporting_line = false\nmin_level_gap = 1\n[weights]\nskills = 5\n"
    )
    files["org"].write_text("id,manager_id,title\nm2,e2,analyst\n")
    assert run(files, "--config", str(files["config"]), "--org", str(files["org"])) == 0
    files["config"].write_text("[constraints]\nreporting_line = true\n")
    assert run(files, "--config", str(files["config"]), "--org", str(files["org"])) == 0
    pairs = {(p["mentor_id"], p["mentee_id"]) for p in rows(files["out"])}
    assert ("m2", "e2") not in pairs
    assert ("m1", "e9") not in pairs


ERRORS = [
    (
        "mentors",
        "id,name\nm1,Ada\n",
        "mentors.csv, row 1, column level: required column is missing",
    ),
    ("mentors", "", "mentors.csv: the file is empty"),
    (
        "mentors",
        "id,level\nm1,senior\n",
        "mentors.csv, row 2, column level: 'senior' is not a whole number",
    ),
    ("mentors", "id,level\nm1,\n", "mentors.csv, row 2, column level: a value is required"),
    ("mentors", "id,level\n,1\n", "mentors.csv, row 2, column id: the id is empty"),
    (
        "mentors",
        "id,level\nm1,1\nm1,2\n",
        "mentors.csv, row 3, column id: id 'm1' already used in row 2",
    ),
    (
        "mentors",
        "id,level,capacity\nm1,1,0\n",
        "mentors.csv, row 2, column capacity: must be at least 1",
    ),
    (
        "mentors",
        "id,level,skills\nm1,1,excel:5\n",
        "mentors.csv, row 2, column skills: 'excel:5': the level must be 1, 2 or 3",
    ),
    (
        "mentors",
        "id,level,timezone\nm1,1,Mars/Base\n",
        "mentors.csv, row 2, column timezone: unknown time zone 'Mars/Base'",
    ),
    (
        "mentors",
        "id,level,level\nm1,1,1\n",
        "mentors.csv, row 1, column level: the column appears twice",
    ),
    (
        "mentors",
        "id,level\nm1,1,extra\n",
        "mentors.csv, row 2: 3 values but only 2 columns in the header",
    ),
    (
        "mentees",
        "id,level,wants\ne1,5,excel:urgent\n",
        "mentees.csv, row 2, column wants: 'excel:urgent': "
        "the priority must be low, medium or high",
    ),
    (
        "mentees",
        "id,level,waiting_days\ne1,5,-3\n",
        "mentees.csv, row 2, column waiting_days: must be at least 0",
    ),
    ("org", "id,boss\nm1,e1\n", "people.csv, row 1, column manager_id: required column is missing"),
    (
        "mentors",
        "id,level,capacity\nm1,1,2\nm2,1,1000000000\n",
        "mentors.csv, row 3, column capacity: must be at most 1000, got 1000000000",
    ),
    ("config", "[weights]\nskils = 2\n", "match.toml: key weights.skils: unknown key"),
    (
        "config",
        "[constraints]\nmax_tz_hours = 'far'\n",
        "match.toml: key constraints.max_tz_hours: expected a number",
    ),
    ("config", "objective = \n", "match.toml: not valid TOML"),
]


@pytest.mark.parametrize(("which", "content", "message"), ERRORS)
def test_bad_input_gets_one_clear_message_and_no_output(files, capsys, which, content, message):
    files[which].write_text(content)
    extra = []
    if which == "org":
        extra = ["--org", str(files["org"])]
    if which == "config":
        extra = ["--config", str(files["config"])]
    assert run(files, *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("turnabout match: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert not files["out"].exists()
    assert not files["unmatched"].exists()
    assert not [p for p in files["out"].parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_file_and_bad_encoding(files, capsys):
    files["mentees"].unlink()
    assert run(files) == 2
    assert "mentees.csv: file not found" in capsys.readouterr().err
    files["mentees"].write_bytes("id,level\ne1,5,caf\xe9\n".encode("latin-1"))
    assert run(files) == 2
    assert "mentees.csv: not a UTF-8 text file" in capsys.readouterr().err
    assert not files["out"].exists()


def test_output_folder_must_exist(files, capsys):
    code = main(
        [
            "--mentors",
            str(files["mentors"]),
            "--mentees",
            str(files["mentees"]),
            "--out",
            str(files["out"].parent / "missing" / "pairs.csv"),
        ]
    )
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_existing_output_is_left_alone_on_error(files):
    files["out"].write_text("keep me")
    files["mentors"].write_text("id,level\nm1,x\n")
    assert run(files) == 2
    assert files["out"].read_text() == "keep me"


def test_missing_arguments_exit_2(capsys):
    assert main(["--mentors", "a.csv"]) == 2
    assert "required" in capsys.readouterr().err


def test_progress_lines_when_asked(files, capsys):
    assert run(files, "--progress") == 0
    assert "scoring: 100%" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(files):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "turnabout.matching",
            "--mentors",
            str(files["mentors"]),
            "--mentees",
            str(files["mentees"]),
            "--out",
            str(files["out"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(rows(files["out"])) == 3


def test_ids_with_commas_and_quotes_survive_every_output(files):
    files["mentors"].write_text('id,level\n"m,1 ""x""",1\n')
    files["mentees"].write_text('id,level\n"e,1",4\n')
    assert run(files, "--scores-out", str(files["scores"])) == 0
    assert [(p["mentor_id"], p["mentee_id"]) for p in rows(files["out"])] == [('m,1 "x"', "e,1")]
    assert [(p["mentor_id"], p["mentee_id"]) for p in rows(files["scores"])] == [('m,1 "x"', "e,1")]


def test_cells_a_spreadsheet_would_run_are_written_as_text(files):
    files["mentors"].write_text('id,level\n"=HYPERLINK(""http://x"")",1\n@m2,1\n')
    files["mentees"].write_text("id,level\n+e1,4\n-e2,4\n")
    assert run(files, "--scores-out", str(files["scores"])) == 0
    for path in (files["out"], files["scores"]):
        for row in rows(path):
            for key in ("mentor_id", "mentee_id"):
                assert row[key].startswith("'"), (path.name, row)
    ids = {(p["mentor_id"], p["mentee_id"]) for p in rows(files["scores"])}
    assert ('\'=HYPERLINK("http://x")', "'+e1") in ids


def test_the_scores_file_matches_a_plain_writer(files):
    """The array-built lines equal the csv module's, score for score."""
    assert run(files, "--scores-out", str(files["scores"])) == 0
    from turnabout.matching import feasible_pairs
    from turnabout.matching.files import read_mentees, read_mentors

    expected = [["mentor_id", "mentee_id", "score"]]
    for block in feasible_pairs(read_mentors(files["mentors"]), read_mentees(files["mentees"])):
        for m, e, score in zip(block.mentor_ids, block.mentee_ids, block.scores, strict=True):
            expected.append([m, e, f"{score:.6f}"])
    with files["scores"].open(newline="") as handle:
        assert list(csv.reader(handle)) == expected


def test_the_summary_line_says_whether_the_result_is_optimal(files, capsys):
    assert run(files) == 0
    assert "dense mode, optimal," in capsys.readouterr().out
    files["config"].write_text('mode = "sparse"\n')
    assert run(files, "--config", str(files["config"])) == 0
    assert "sparse mode, optimal (certified)," in capsys.readouterr().out
