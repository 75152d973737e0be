"""LKT's URLs and the floor to measure against: a login_required view rendering a one-line
template, through the same middleware and session as every page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from lkt.urls import urlpatterns as lkt_urlpatterns

_ONE_LINE = engines["django"].from_string("<p>{{ request.user.get_username }}</p>")


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_ONE_LINE.render({}, request))


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *lkt_urlpatterns]
