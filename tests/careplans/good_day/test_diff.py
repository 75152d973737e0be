"""The readable diff between two versions: per text, line by line; challenges and goals by id."""

from __future__ import annotations

from dataclasses import replace

from careplans.good_day.diff import EmptyVersion, Line, diff_text, diff_versions


def version(number: int, **fields) -> EmptyVersion:
    return replace(EmptyVersion(), number=number, **fields)


def goal(goal_id: int, text: str, **fields) -> dict:
    return {
        "id": goal_id,
        "text": text,
        "challenge_id": None,
        "wish": "",
        "parent_id": None,
        "target_date": None,
        **fields,
    }


def test_an_added_line_and_a_removed_line_are_marked_as_such():
    lines = diff_text("Jeg står opp.\nJeg går tur.", "Jeg står opp.\nJeg ringer mamma.\n")
    assert lines == [
        Line("equal", "Jeg står opp."),
        # Too little in common to read word by word: one line out, one line in.
        Line("delete", "Jeg går tur."),
        Line("insert", "Jeg ringer mamma."),
    ]

    lines = diff_text("En.\nTo.\nTre.", "En.\nTre.\nFire.")
    assert [(line.op, line.text) for line in lines] == [
        ("equal", "En."),
        ("delete", "To."),
        ("equal", "Tre."),
        ("insert", "Fire."),
    ]


def test_a_rewritten_line_shows_the_words_that_changed():
    (line,) = diff_text("Jeg går tur med hunden.", "Jeg går lang tur med katten.")
    assert line.op == "change"
    assert line.text == "Jeg går lang tur med katten."
    changed = [(s.op, s.text) for s in line.words if s.op != "equal"]
    assert changed == [("insert", "lang "), ("delete", "hunden."), ("insert", "katten.")]
    # Read back, the old words and the new words each give their whole line.
    assert "".join(s.text for s in line.words if s.op != "insert") == "Jeg går tur med hunden."
    assert "".join(s.text for s in line.words if s.op != "delete") == line.text


def test_texts_are_compared_field_by_field_with_counts():
    diff = diff_versions(
        version(1, good_day="En.\nTo.", life_arena="Hjemme."),
        version(2, good_day="En.\nTo.\nTre.", life_arena="Hjemme."),
    )
    (changed,) = diff.changed_fields
    assert changed.name == "good_day"
    assert str(changed.label) == "Min gode dag"
    assert (changed.added, changed.removed) == (1, 0)


def test_challenges_are_compared_by_id_added_removed_and_changed():
    diff = diff_versions(
        version(1, challenges=[{"id": 1, "text": "Søvn"}, {"id": 2, "text": "Penger"}]),
        version(2, challenges=[{"id": 1, "text": "Søvn om vinteren"}, {"id": 3, "text": "Buss"}]),
    )
    kinds = {(item.kind, item.id, item.text) for item in diff.challenges}
    assert kinds == {
        ("changed", 1, "Søvn om vinteren"),
        ("added", 3, "Buss"),
        ("removed", 2, "Penger"),
    }
    changed = next(item for item in diff.challenges if item.kind == "changed")
    assert [(c.old, c.new) for c in changed.changes] == [("Søvn", "Søvn om vinteren")]


def test_a_goal_with_a_new_target_date_and_challenge_reads_as_changed():
    challenges = [{"id": 1, "text": "Søvn"}, {"id": 2, "text": "Buss"}]
    diff = diff_versions(
        version(
            1,
            challenges=challenges,
            goals=[goal(7, "Sove", challenge_id=1, target_date="2030-01-05")],
        ),
        version(
            2,
            challenges=challenges,
            goals=[goal(7, "Sove", challenge_id=2, target_date="2030-02-01")],
        ),
    )
    (item,) = diff.goals
    assert item.kind == "changed"
    assert {str(c.label): (c.old, c.new) for c in item.changes} == {
        "Utfordring": ("Søvn", "Buss"),
        "Når": ("5.1.2030", "1.2.2030"),
    }


def test_the_first_version_compared_with_the_blank_page_is_all_added():
    diff = diff_versions(
        EmptyVersion(),
        version(
            1, good_day="Tur.", challenges=[{"id": 1, "text": "Søvn"}], goals=[goal(1, "Sove")]
        ),
    )
    assert [line.op for line in diff.changed_fields[0].lines] == ["insert"]
    assert [item.kind for item in diff.challenges] == ["added"]
    assert [item.kind for item in diff.goals] == ["added"]


def test_two_equal_versions_have_no_changes():
    same = {"good_day": "Tur.", "challenges": [{"id": 1, "text": "Søvn"}]}
    assert not diff_versions(version(1, **same), version(2, **same)).has_changes
