"""The team page and the list of one's teams: what a health worker sees of the teams across the
domains (members, plan, meetings, tasks, night), section by section from the registry in
``lkt.workspace.team_page``.

Each team view decides access first (``team_get``: the team with the viewer's standing, then
the audit row, each statement committing itself, so the row is on disk before anything of the
team is shown), and renders after it in ``keyed_plans``: the sections' reads are all by key, and
a section kept for its viewer reads nothing, so it opens no transaction. A kept section costs
two round trips to the database, not five with BEGIN, SET LOCAL and COMMIT around them: those
three took longer than planning the access read afresh (issue 17).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from actors import selectors
from actors.access import allows, require_staff
from actors.network.selectors import continuity_warnings_for_teams
from coordination.tiltak.selectors import overdue_counts
from lkt.core.http import HtmxHttpRequest
from lkt.core.keyed_plans import keyed_plans
from lkt.workspace.team_page import (
    BATCH,
    FOLLOWING,
    SECTIONS,
    SECTIONS_BY_KEY,
    render_batch,
    render_sections,
)


@login_required
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    user = require_staff(request.user)
    teams = selectors.team_list_for_member(user)
    unprepared = continuity_warnings_for_teams(teams)
    # Element E: open tasks past their due date, one aggregate query for all the teams.
    overdue = overdue_counts(team.pk for team in teams)
    rows = [
        (team, selectors.missing_roles(team), unprepared.get(team.pk, 0), overdue.get(team.pk, 0))
        for team in teams
    ]
    return render(
        request,
        "actors/team_list.html",
        {
            "rows": rows,
            "awaiting_consent": selectors.team_count_awaiting_consent(user),
        },
    )


@login_required
@vary_on_headers("HX-Request")
def team_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = selectors.team_get(request.user, pk)  # in autocommit: see the module's docstring
    with keyed_plans():
        sections = render_sections(request, page, reverse("workspace:team-detail", args=[pk]))
        context = {"page": page, "team": page.team, "sections": sections}
        return render(request, "actors/team_detail.html", context, using="jinja2")


@login_required
@vary_on_headers("HX-Request")
def team_section(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of the team page as an htmx partial; without htmx, the section on a page of
    its own (the link of a section the team page shows as a placeholder, issue 17)."""
    section = SECTIONS_BY_KEY[key]
    page = selectors.team_get(request.user, pk)  # in autocommit: see the module's docstring
    if not allows(page.standing, section.action):
        raise PermissionDenied
    with keyed_plans():
        html = section.render(request, page, following=FOLLOWING in request.GET)
    if not request.htmx:
        context = {"page": page, "team": page.team, "section": section, "html": html}
        return render(request, "actors/team_section_page.html", context)
    return HttpResponse(html)


@login_required
@vary_on_headers("HX-Request")
def team_sections(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A batch of the team page's lazy sections in one htmx request, the keys in ``?s=``
    (lkt.workspace.team_page.runs): one access read and one audit row for them all. The whole
    batch is refused if the viewer may not see one of its sections, as that section alone is.
    Without htmx there is nothing to swap into: on to the page."""
    if not request.htmx:
        return redirect("workspace:team-detail", pk)
    keys = set(request.GET.getlist(BATCH))
    if not keys or not keys <= SECTIONS_BY_KEY.keys():
        raise Http404
    sections = [section for section in SECTIONS if section.key in keys]  # in the page's order
    page = selectors.team_get(request.user, pk)  # in autocommit: see the module's docstring
    if not all(allows(page.standing, section.action) for section in sections):
        raise PermissionDenied
    with keyed_plans():
        return HttpResponse(render_batch(request, page, sections))
