"""Who can take a role in a team, and how staff are shown where they are picked.

A team member (and so a coordinator, a deputy) is staff who work with patients. Three kinds of
staff users do not, unless they also have a clinical profile (a health or social care
profession, ``CLINICAL_PROFESSIONS``, and a workplace that is not a night service): a night
service user (legevakt, AMK: they see only the crisis card), a leader (they approve plans and
read figures) and an administrator (the Django admin). A fastlege who also takes shifts at the
legevakt has a legekontor among her workplaces, and so is offered.

Every staff picker shows "name – profession – organisation(s)" and says who has never logged
in (``last_login`` empty): a coordinator who cannot log in cannot lead the team in LKT. Staff
with no way to log in at all are not offered (issue 16, item 18): no usable password, no
fødselsnummer (HelseID links by it) and no HPR-nummer (a first HelseID login links by it). They
are accounts made for history, such as the demo's background staff; offering them gave teams
members who could never open LKT.
"""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import CLINICAL_PROFESSIONS, Member, Organisation, User

# Organisation kinds whose staff see only the crisis card (as actors.access.NIGHT_SERVICE_KINDS,
# which reads this constant; the access policy sits above this module).
NIGHT_SERVICE_KINDS = (Organisation.Kind.LEGEVAKT, Organisation.Kind.AMK)
# Why someone is refused a role in a team (the services say it on the field).
NO_TEAM_ROLE = gettext_lazy(
    "Denne ansatte kan ikke ha en rolle i et aktørfellesskap: ledere, administratorer og "
    "ansatte ved legevakt eller AMK trenger en klinisk profil (yrke og et arbeidssted med "
    "pasientarbeid)."
)


def _daytime_workplace() -> Q:
    further = User.organisations.through.objects.filter(user_id=OuterRef("pk")).exclude(
        organisation__kind__in=NIGHT_SERVICE_KINDS
    )
    primary = Q(organisation__isnull=False) & ~Q(organisation__kind__in=NIGHT_SERVICE_KINDS)
    return primary | Q(Exists(further))


def _night_only() -> Q:
    """Works at a night service and at no other workplace."""
    further_daytime = User.organisations.through.objects.filter(user_id=OuterRef("pk")).exclude(
        organisation__kind__in=NIGHT_SERVICE_KINDS
    )
    return Q(organisation__kind__in=NIGHT_SERVICE_KINDS) & ~Q(Exists(further_daytime))


def team_role_condition() -> Q:
    """The rule as a condition on users (``team_eligible``)."""
    clinical_profile = Q(profession__in=CLINICAL_PROFESSIONS) & _daytime_workplace()
    plain_staff = Q(is_leader=False, is_superuser=False, is_staff=False) & ~_night_only()
    return Q(kind=User.Kind.STAFF, is_active=True) & (plain_staff | clinical_profile)


def can_log_in() -> Q:
    """Users with a way to log in: a usable password, or an identity a HelseID login links
    (``actors.identity.linking``: the fødselsnummer, else the HPR-nummer). Django marks an unusable
    password with a leading "!" (``make_password(None)``)."""
    usable = ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return usable | ~Q(national_id="") | ~Q(hpr_number="")


def with_workplaces(users: QuerySet[User]) -> QuerySet[User]:
    """Users with what their label shows: the primary organisation and the others."""
    return users.select_related("organisation").prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
    )


def team_eligible() -> QuerySet[User]:
    """Staff who can take a role in a team and can log in, for a picker, ordered by name."""
    return with_workplaces(
        User.objects.filter(team_role_condition(), can_log_in()).order_by(
            "first_name", "last_name", "pk"
        )
    )


def can_take_team_role(user: User) -> bool:
    return User.objects.filter(team_role_condition(), pk=user.pk).exists()


def workplaces(user: User) -> list[Organisation]:
    """The primary organisation first, then the others (needs ``with_workplaces``)."""
    primary = [user.organisation] if user.organisation_id and user.organisation else []
    others = [o for o in user.organisations.all() if o.pk != user.organisation_id]
    return primary + others


def staff_label(user: User) -> str:
    """ "Cecilie Berg – sykepleier – Fjordvik kommune, Fjordvik legevakt (har aldri logget
    inn)": name, profession and workplaces, and whether they have ever logged in."""
    parts = [str(user)]
    parts.append(
        user.get_profession_display().lower() if user.profession else _("yrke ikke oppgitt")
    )
    places = ", ".join(o.name for o in workplaces(user))
    parts.append(places or _("uten arbeidssted"))
    label = " – ".join(parts)
    if user.last_login is None:
        label += " " + _("(har aldri logget inn)")
    return label


def member_label(member: Member) -> str:
    """A member where members are picked: a staff user as ``staff_label`` with the role in the
    team; an actor without login by name, role and organisation."""
    role = member.get_role_display().lower()
    if member.user_id is not None and member.user is not None:
        return f"{staff_label(member.user)} ({role})"
    organisation = (
        member.organisation.name if member.organisation_id and member.organisation else ""
    )
    return (
        " – ".join(p for p in (member.external_name, role, organisation) if p)
        + " "
        + _("(uten innlogging)")
    )


def member_queryset_for_labels(members: QuerySet[Member]) -> QuerySet[Member]:
    """Members with what ``member_label`` reads, in three queries whatever their number."""
    return members.select_related("user__organisation", "organisation").prefetch_related(
        Prefetch("user__organisations", queryset=Organisation.objects.order_by("name"))
    )
