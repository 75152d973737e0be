"""LKT's URLs and the floor to measure against: a login_required view rendering a one-line
template, through the same middleware and session as every page. Beside it, the team page's
first response without its sections (the frame, the access read, the audit row), and the least a
section partial does (issue 17's budget without the section): the access read and the audit
row, as ``lkt.workspace.team_views.team_section`` runs them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import path

from actors.selectors import team_get
from lkt.core.keyed_plans import keyed_plans
from lkt.urls import urlpatterns as lkt_urlpatterns

_ONE_LINE = engines["django"].from_string("<p>{{ request.user.get_username }}</p>")


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_ONE_LINE.render({}, request))


@login_required
def partial_floor(request: HttpRequest, pk: int) -> HttpResponse:
    page = team_get(request.user, pk)
    return HttpResponse(page.team.patient.name)


@login_required
def page_floor(request: HttpRequest, pk: int) -> HttpResponse:
    # The team page's first response without its sections: the frame, the access read and the
    # audit row (lkt.workspace.team_views.team_detail with nothing for render_sections).
    page = team_get(request.user, pk)
    with keyed_plans():
        context = {"page": page, "team": page.team, "sections": ""}
        return render(request, "actors/team_detail.html", context, using="jinja2")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/page-floor/<int:pk>/", page_floor),
    path("bench/floor/<int:pk>/", partial_floor),
    *lkt_urlpatterns,
]
