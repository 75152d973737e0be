"""What actors tells the apps above it. actors sits below careplans and coordination, so it may
not import them; they connect to these signals in their ``AppConfig.ready()`` instead.
Receivers run in the sender's transaction, as a direct call would."""

from __future__ import annotations

from django.dispatch import Signal

# A coordinator's membership has ended, or a leave date was recorded (``member``): the
# coordinator's leaders and the deputy are to be told (coordination.referral.services).
coordinator_leaving = Signal()
# The team's coordinator is no longer the one the mandate names (``team``): the mandate passes
# to the coordinator who remains (coordination.referral.services).
coordinator_stepped_down = Signal()
