"""A URL configuration of one path, for the test that Jinja2's remembered url() follows a
changed ROOT_URLCONF (tests/lkt/core/test_jinja2.py)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("bare/", lambda request: HttpResponse(""), name="only")]
