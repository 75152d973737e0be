"""A readable diff between two versions of Min gode dag.

Texts are compared line by line with difflib; a line that was rewritten (one old line against
one new line) is also compared word by word, because a patient often writes a whole paragraph on
one line and a changed word should not look like a new paragraph. Challenges and goals are
compared by their stable id, so an edited goal reads as "changed", not "removed and added".

Pure functions over anything shaped like a ``GoodDayVersion``: no queries.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.utils.functional import _StrOrPromise as StrOrPromise

    from careplans.models import GoodDayVersion

Op = Literal["equal", "insert", "delete"]

# The free-text fields of a version, in the order the page shows them.
TEXT_FIELDS: tuple[tuple[str, StrOrPromise], ...] = (
    ("good_day", _("Min gode dag")),
    ("what_matters", _("Hva er viktig for deg?")),
    ("own_resources", _("Egne ressurser")),
    ("network_resources", _("Familie og nettverk")),
    ("life_arena", _("Livsarena")),
)


@dataclass(frozen=True)
class EmptyVersion:
    """The blank page before the first version, so version 1 can be compared with "nothing"."""

    number: int = 0
    good_day: str = ""
    what_matters: str = ""
    own_resources: str = ""
    network_resources: str = ""
    life_arena: str = ""
    challenges: tuple[()] = ()
    goals: tuple[()] = ()


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class Line:
    """One line of a text: kept, added or removed; a rewritten line carries word segments."""

    op: Literal["equal", "insert", "delete", "change"]
    text: str
    words: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: StrOrPromise
    lines: list[Line]

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.op in ("insert", "change"))

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.op in ("delete", "change"))

    @property
    def changed(self) -> bool:
        return any(line.op != "equal" for line in self.lines)


@dataclass(frozen=True)
class Change:
    """One attribute of a challenge or goal that differs: its label, before and after."""

    label: StrOrPromise
    old: str
    new: str


@dataclass(frozen=True)
class ItemDiff:
    """A challenge or a goal that was added, removed or changed between the versions."""

    kind: Literal["added", "removed", "changed"]
    id: int
    text: str  # the newest text (the old one for a removed item)
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class VersionDiff:
    older: GoodDayVersion | EmptyVersion
    newer: GoodDayVersion | EmptyVersion
    fields: list[FieldDiff]
    challenges: list[ItemDiff]
    goals: list[ItemDiff]

    @property
    def changed_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_fields or self.challenges or self.goals)


# A word with the spaces after it: matching bare spaces would cut a rewrite into confetti.
_WORDS = re.compile(r"\S+\s*|\s+")
# Below this share of equal words a rewritten line reads better as one removed, one added.
MIN_SIMILARITY = 0.5


def _word_segments(old: str, new: str) -> tuple[Segment, ...] | None:
    """Word by word, or None when the lines have too little in common to read that way."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    if matcher.ratio() < MIN_SIMILARITY:
        return None
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(old_words[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(new_words[j1:j2])))
    return tuple(segments)


def diff_text(old: str, new: str) -> list[Line]:
    """Line diff of two texts; blank lines are kept so paragraphs stay apart."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[Line] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(Line("equal", text) for text in old_lines[i1:i2])
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for old_text, new_text in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True):
                words = _word_segments(old_text, new_text)
                if words is None:
                    lines += [Line("delete", old_text), Line("insert", new_text)]
                else:
                    lines.append(Line("change", new_text, words))
        else:
            lines.extend(Line("delete", text) for text in old_lines[i1:i2])
            lines.extend(Line("insert", text) for text in new_lines[j1:j2])
    return lines


def _by_id(items: Sequence[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in items}


def _diff_items(
    old_items: Sequence[dict[str, Any]],
    new_items: Sequence[dict[str, Any]],
    describe: dict[str, Any],
) -> list[ItemDiff]:
    """Compare by id. ``describe`` maps an attribute to (label, function that shows a value)."""
    old, new = _by_id(old_items), _by_id(new_items)
    result: list[ItemDiff] = []
    for item_id, item in new.items():
        before = old.get(item_id)
        if before is None:
            result.append(ItemDiff("added", item_id, item["text"]))
            continue
        changes = [
            Change(label, show(before.get(key)), show(item.get(key)))
            for key, (label, show) in describe.items()
            if show(before.get(key)) != show(item.get(key))
        ]
        if changes:
            result.append(ItemDiff("changed", item_id, item["text"], changes))
    result.extend(
        ItemDiff("removed", item_id, item["text"])
        for item_id, item in old.items()
        if item_id not in new
    )
    return result


def _text(value: Any) -> str:
    return str(value or "")


def _date(value: Any) -> str:
    """Snapshots store ISO dates; show them the Norwegian way (d.m.yyyy)."""
    if not value:
        return ""
    year, month, day = str(value).split("-")
    return f"{int(day)}.{int(month)}.{year}"


def diff_versions(
    older: GoodDayVersion | EmptyVersion, newer: GoodDayVersion | EmptyVersion
) -> VersionDiff:
    """What changed from ``older`` to ``newer``: each text, and each challenge and goal."""
    challenge_text = {c["id"]: c["text"] for c in [*older.challenges, *newer.challenges]}
    goal_text = {g["id"]: g["text"] for g in [*older.goals, *newer.goals]}

    def challenge(value: Any) -> str:
        return challenge_text.get(value, "") if value else ""

    def goal(value: Any) -> str:
        return goal_text.get(value, "") if value else ""

    return VersionDiff(
        older=older,
        newer=newer,
        fields=[
            FieldDiff(name, label, diff_text(getattr(older, name), getattr(newer, name)))
            for name, label in TEXT_FIELDS
        ],
        challenges=_diff_items(older.challenges, newer.challenges, {"text": (_("Tekst"), _text)}),
        goals=_diff_items(
            older.goals,
            newer.goals,
            {
                "text": (_("Mål"), _text),
                "challenge_id": (_("Utfordring"), challenge),
                "wish": (_("Ønske"), _text),
                "parent_id": (_("Delmål av"), goal),
                "target_date": (_("Når"), _date),
            },
        ),
    )
