"""What careplans tells the app above it. careplans sits below coordination, so it may not import
it; coordination connects to these signals in its ``AppConfig.ready()`` instead. Receivers run in
the sender's transaction, as a direct call would."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.dispatch import Signal

from actors.models import Team

if TYPE_CHECKING:
    from actors.access import Standing
    from careplans.annual.rules import RealMeeting

# The team's phase changed (``change``, a saved PhaseChange): those the phase plan names for the
# new phase and the coordinators are alerted (coordination.notifications.phase_alerts).
phase_changed = Signal()
# The årshjul shows the team's real meetings on their days: coordination answers with the
# ``RealMeeting`` rows of ``team`` that ``standing`` may see (coordination.meetings.selectors).
real_meetings_wanted = Signal()


def real_meetings(team: Team, standing: Standing) -> list[RealMeeting]:
    """The team's real meetings from every receiver of ``real_meetings_wanted``."""
    answers = real_meetings_wanted.send(sender=Team, team=team, standing=standing)
    meetings: list[RealMeeting] = []
    for _receiver, answer in answers:
        meetings.extend(cast("list[RealMeeting]", answer))
    return meetings
