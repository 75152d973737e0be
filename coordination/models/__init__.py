"""The coordination app's tables, one module per part of the work: from need to team and the
coordinator's role (element C), meetings, tasks and evaluations (element E), observations,
notifications with their outbox, the relational coordination survey and background reports."""

from coordination.models.evaluation import (
    Evaluation,
    EvaluationCorrection,
    GoalEvaluation,
    PlanPeriod,
)
from coordination.models.meetings import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingPreferences,
    StandingItem,
)
from coordination.models.messages import Document, Message, Thread, ThreadRead
from coordination.models.night import ContactImport, NightContact, NightService, PhaseRule
from coordination.models.notifications import (
    CalendarFeed,
    Delivery,
    Notification,
    NotificationPreference,
)
from coordination.models.observations import Observation
from coordination.models.referral import (
    COORDINATOR_CASELOAD_LIMIT,
    CoordinatorAppointment,
    Mandate,
    NeedReport,
    NeedReportEvent,
)
from coordination.models.reports import IndicatorMonth, ReportJob
from coordination.models.survey import (
    Dimension,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
)
from coordination.models.tasks import Task

__all__ = [
    "COORDINATOR_CASELOAD_LIMIT",
    "AgendaItem",
    "CalendarFeed",
    "ContactImport",
    "CoordinatorAppointment",
    "Decision",
    "Dimension",
    "Document",
    "Delivery",
    "Evaluation",
    "EvaluationCorrection",
    "GoalEvaluation",
    "Mandate",
    "Meeting",
    "MeetingPreferences",
    "Message",
    "NeedReport",
    "NeedReportEvent",
    "NightContact",
    "NightService",
    "Notification",
    "NotificationPreference",
    "Observation",
    "PhaseRule",
    "PlanPeriod",
    "IndicatorMonth",
    "ReportJob",
    "StandingItem",
    "SurveyAnswer",
    "SurveyParticipation",
    "SurveyRound",
    "Task",
    "Thread",
    "ThreadRead",
]
