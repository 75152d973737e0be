"""The one range every typed date keeps inside (lkt.core.forms, issue 13), and that every date and
time field of a form or an API serializer uses it."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from rest_framework import serializers

from lkt.core import api
from lkt.core.forms import DateField, DateTimeField

RANGE = "Skriv en dato mellom 1.1.1900 og 31.12.2100."
APPS = ("actors", "careplans", "coordination", "lkt")


class _Form(forms.Form):
    day = DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize(
    ("day", "moment"),
    [("1900-01-01", "1900-01-01 00:00"), ("2100-12-31", "2100-12-31 23:59")],
)
def test_the_first_and_last_day_of_the_range_are_accepted(day, moment):
    form = _Form({"day": day, "moment": moment})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("day", "moment"),
    [
        ("0001-01-01", "0001-01-01 00:00"),
        ("1899-12-31", "1899-12-31 23:59"),
        ("2101-01-01", "2101-01-01 00:00"),
        ("9999-12-31", "9999-12-31 23:59"),
    ],
)
def test_a_date_outside_the_range_is_a_norwegian_form_error(day, moment):
    form = _Form({"day": day, "moment": moment})
    assert not form.is_valid()
    assert form.errors == {"day": [RANGE], "moment": [RANGE]}


def test_the_browser_gets_the_same_limits():
    html = str(_Form())
    assert 'type="date"' in html and 'min="1900-01-01" max="2100-12-31"' in html
    assert 'min="1900-01-01T00:00" max="2100-12-31T23:59"' in html


def _modules() -> Iterator[object]:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def _date_fields() -> Iterator[tuple[str, object]]:
    """Every date or time field declared on a form or serializer class of the apps."""
    seen: set[type] = set()
    for module in _modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith(APPS):
                continue
            seen.add(cls)
            if issubclass(cls, forms.BaseForm):
                fields = cls.base_fields.items()  # type: ignore[attr-defined]
            elif issubclass(cls, serializers.Serializer):
                fields = cls().get_fields().items()
            else:
                continue
            for field_name, field in fields:
                if isinstance(
                    field,
                    forms.DateField
                    | forms.DateTimeField
                    | serializers.DateField
                    | serializers.DateTimeField,
                ) and not getattr(field, "read_only", False):
                    yield f"{cls.__module__}.{cls.__name__}.{field_name}", field


def test_every_date_field_of_a_form_or_serializer_keeps_to_the_range():
    fields = dict(_date_fields())
    assert len(fields) >= 15  # the walk found the forms
    outside = [
        name
        for name, field in fields.items()
        if not isinstance(field, DateField | DateTimeField | api.DateField | api.DateTimeField)
    ]
    assert outside == [], "use lkt.core.forms.DateField/DateTimeField or lkt.core.api's"


def test_a_time_keeps_to_the_range_on_its_own_day_not_in_utc():
    """Year 1 at 00:30 +01:00 is year 0 in UTC: the check must not convert it first."""
    field = api.DateTimeField()
    with pytest.raises(serializers.ValidationError) as error:
        field.run_validation("0001-01-01T00:30:00+01:00")
    assert error.value.detail == [RANGE]
    assert field.run_validation("1900-01-01T00:30:00+01:00") == dt.datetime(
        1900, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
