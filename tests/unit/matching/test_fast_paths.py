"""The quick paths give exactly what the plain, careful code gives (speed only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnabout.matching import Mentee, Mentor, files
from turnabout.matching import features as ft

MENTORS = (
    "\ufeffID , Level,name,timezone,languages,skills,capacity,interests,exclude,,goals\n"
    'm1,2,Ada,Europe/London,"English; french ;;",ai tools:3;Tiktok; a :1,,Chess,e2,,x\n'
    ",,,,,,,,,,\n"
    "m2, 1 ,Bo,,English,ai tools:1;ai tools:3,2,,,,\n"
    "m3,3\n"
)
MENTEES = (
    "id,level,wants,waiting_days,formats\n"
    "e1,6,ai tools:HIGH;tiktok;excel:low,4,video;chat\n"
    "e2,7, ai tools : medium ,,video\n"
)


@pytest.mark.parametrize(
    ("reader", "careful", "content"),
    [
        (files.read_mentors, files._read_mentors_checked, MENTORS),
        (files.read_mentees, files._read_mentees_checked, MENTEES),
    ],
)
def test_quick_and_careful_readers_give_the_same_people(
    tmp_path, monkeypatch, reader, careful, content
):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    expected = careful(path)

    def not_needed(_: Path) -> None:
        raise AssertionError("a good file should not need the careful reader")

    monkeypatch.setattr(files, careful.__name__, not_needed)
    people = reader(path)
    assert people == expected
    assert len({id(p.interests) for p in people}) == len(people)  # no shared lists


def test_a_quick_read_that_meets_a_problem_reports_the_first_one(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text("id,level,capacity\nm1,x,0\nm2,1,0\n")
    with pytest.raises(files.InputFileError, match=r"row 2, column level: 'x' is not"):
        files.read_mentors(path)


@pytest.mark.parametrize(
    "text",
    ["", "a", "Learn AI tools", "über  Naïve\tdata", "ai-tools, fast!", "x_y z9 ٣٣ ½½", "Straße"],
)
def test_goal_words_are_the_regular_expression_words(text):
    assert ft.goal_words(text) == ft._WORD.findall(text.casefold())


def test_reporting_chains_shared_between_people_and_loops():
    managers = {"m": "boss", "boss": "top", "e": "boss", "x": "y", "y": "x", "z": "x"}
    mentees = [Mentee(id="e"), Mentee(id="x"), Mentee(id="z")]
    mentors = [Mentor(id="m"), Mentor(id="boss"), Mentor(id="y")]
    found = ft.chains(mentees, mentors, managers)
    assert found.mentee_chain == [["boss", "top"], ["y"], ["x", "y"]]
    assert found.mentor_chain == [["boss", "top"], ["top"], ["x"]]
    assert found.mentee_chain[0] is not found.mentor_chain[0]


def test_skill_feature_keeps_the_last_priority_and_the_best_level():
    mentees = [Mentee(id="e", wants={"AI": "low", "ai ": "high", "excel": "medium"})]
    mentors = [Mentor(id="m", skills={"ai": 1, "AI": 3, "unknown": 2})]
    feature = ft.skill_feature(mentees, mentors)
    assert feature.mentee_sparse.toarray().tolist() == [[0.6000000238418579, 0.4000000059604645]]
    assert feature.mentor_sparse.toarray().tolist() == [[1.0, 0.0]]


def test_unknown_inputs_still_fail_with_the_person_named():
    with pytest.raises(ValueError, match="mentee e2: priority 'zz' for 'b'"):
        ft.skill_feature(
            [Mentee(id="e1", wants={"": "bad"}), Mentee(id="e2", wants={"b": "zz"})], []
        )
    with pytest.raises(ValueError, match="mentor m: skill level True for 'b'"):
        ft.skill_feature([], [Mentor(id="m", skills={"a": 2, "b": True})])
