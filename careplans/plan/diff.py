"""What changed between two versions of the plan, section by section.

Each section is turned into plain text lines (a role per line, a phase's signs and actions,
an årshjul activity per line) and compared with ``careplans.good_day.diff.diff_text``, so the page reads
like the Min gode dag diff. For a leader only the structural sections are compared (roles,
period, årshjul): they never see clinical text, and the roles name the services' staff only. Pure functions over prefetched versions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from careplans.good_day.diff import FieldDiff, diff_text
from careplans.models import Phase
from careplans.plan.selectors import missing_role_labels, role_rows
from lkt.core.dates import short_date

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from careplans.models import CarePlanVersion

# The written sections, in the order of element D.
TEXT_SECTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("patient_summary", _("Hvem pasienten er")),
    ("roles_note", _("Roller som mangler eller ikke trengs")),
    ("communication", _("Kommunikasjon og informasjonsdeling")),
    ("information_sharing", _("Hva som kan deles, avtalt med pasienten")),
    ("preparedness", _("Hvem gjør hva hvis")),
    ("documentation", _("Dokumentasjon: hva, av hvem og hvor")),
    ("evaluation_plan", _("Evaluering: hva, når og hvordan")),
)


def _date(value: object) -> str:
    return short_date(value) if isinstance(value, dt.date) else ""


def _period(version: CarePlanVersion | None) -> str:
    if version is None:
        return ""
    return "\n".join(
        line
        for line in (
            f"{_('Fra')} {_date(version.period_start)}" if version.period_start else "",
            f"{_('Til')} {_date(version.period_end)}" if version.period_end else "",
            f"{_('Revideres innen')} {_date(version.revision_on)}" if version.revision_on else "",
        )
        if line
    )


def _roles(version: CarePlanVersion | None, full: bool) -> str:
    if version is None:
        return ""
    lines = [
        f"{r.role_label}"
        + (f": {r.name}" if r.name else "")
        + (f" ({r.organisation})" if r.organisation else "")
        for r in role_rows(version, full=full)
    ]
    lines += [f"{_('Mangler')}: {label}" for label in missing_role_labels(version)]
    return "\n".join(lines)


def _challenges(version: CarePlanVersion | None) -> str:
    if version is None:
        return ""
    lines = [f"{_('Utfordring')}: {c['text']}" for c in version.challenges]
    lines += [f"{_('Mål')}: {g['text']}" for g in version.goals]
    return "\n".join(lines)


def _phases(version: CarePlanVersion | None) -> str:
    if version is None:
        return ""
    lines: list[str] = []
    for entry in version.phase_entries.all():
        name = Phase(entry.phase).label
        for label, value in (
            (_("tegn"), entry.signs),
            (_("tiltak"), entry.actions),
            (_("dagtid"), entry.call_office_hours),
            (_("kveld og natt"), entry.call_night),
            (_("pasientens ønsker"), entry.patient_wishes),
        ):
            if value:
                lines.append(f"{name}, {label}: {' '.join(value.split())}")
    return "\n".join(lines)


def _annual(version: CarePlanVersion | None) -> str:
    if version is None:
        return ""
    lines = []
    for a in version.annual_activities.all():
        how = a.get_recurrence_display()
        if a.interval_months:
            how = _("hver %(n)s. måned") % {"n": a.interval_months}
        elif a.month:
            how = _("hvert år i måned %(m)s") % {"m": a.month}
        elif a.first_on:
            how = _date(a.first_on)
        mandatory = _("obligatorisk") if a.mandatory else _("valgfri")
        lines.append(f"{a.title}: {how} ({mandatory})")
    return "\n".join(lines)


@dataclass(frozen=True)
class PlanDiff:
    older: CarePlanVersion | None
    newer: CarePlanVersion | None
    sections: list[FieldDiff]

    @property
    def changed(self) -> list[FieldDiff]:
        return [s for s in self.sections if s.changed]


def diff_plan_versions(
    older: CarePlanVersion | None, newer: CarePlanVersion | None, *, full: bool = True
) -> PlanDiff:
    """Section by section from ``older`` to ``newer``; ``full=False`` for a leader."""
    structural: list[tuple[str, StrOrPromise, str, str]] = [
        ("period", _("Planperiode"), _period(older), _period(newer)),
        ("roles", _("Roller"), _roles(older, full), _roles(newer, full)),
        ("annual", _("Årshjul"), _annual(older), _annual(newer)),
    ]
    clinical: list[tuple[str, StrOrPromise, str, str]] = [
        ("challenges", _("Utfordringer og mål"), _challenges(older), _challenges(newer)),
        *(
            (name, label, getattr(older, name, "") or "", getattr(newer, name, "") or "")
            for name, label in TEXT_SECTIONS
        ),
        ("phases", _("Faseplan"), _phases(older), _phases(newer)),
    ]
    chosen = [*clinical, *structural] if full else structural
    return PlanDiff(
        older=older,
        newer=newer,
        sections=[FieldDiff(name, label, diff_text(old, new)) for name, label, old, new in chosen],
    )
