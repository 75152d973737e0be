"""Views for tests/lkt/core/test_htmx_messages.py: each adds a message and answers as a view of LKT
does, so the test sees where the message shows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event


def _added(request: HttpRequest) -> None:
    messages.success(request, "Lagret.")


def fragment(request: HttpRequest) -> HttpResponse:
    _added(request)
    return HttpResponse("<p>Skjemaet</p>")


def event(request: HttpRequest) -> HttpResponse:
    _added(request)
    return trigger_client_event(HttpResponse(""), "saved")


def shows_its_own(request: HttpRequest) -> HttpResponse:
    _added(request)
    template = engines["django"].from_string(
        "{% for m in messages %}<p class='own'>{{ m }}</p>{% endfor %}"
    )
    html = template.render({"messages": messages.get_messages(request)}, request)
    messages.info(request, "Og en til.")
    return HttpResponse(html)


def client_redirect(request: HttpRequest) -> HttpResponse:
    _added(request)
    return HttpResponseClientRedirect("/side/")


def json(request: HttpRequest) -> HttpResponse:
    _added(request)
    return JsonResponse({"ok": True})


def invalid(request: HttpRequest) -> HttpResponse:
    _added(request)
    return HttpResponse("<p>Feil</p>", status=422)


def page(request: HttpRequest) -> HttpResponse:
    """A full page: its message area, as base.html has it."""
    template = engines["jinja2"].get_template("lkt/messages.html")
    return HttpResponse(template.render({"messages": messages.get_messages(request)}, request))


urlpatterns = [
    path("fragment/", fragment),
    path("event/", event),
    path("own/", shows_its_own),
    path("client-redirect/", client_redirect),
    path("json/", json),
    path("invalid/", invalid),
    path("side/", page),
]
