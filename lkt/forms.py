"""Form plumbing shared by every app: Designsystemet classes on every input, and the answer to
a save that a unique key refuses because someone else saved the same a moment earlier."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

# What a person sees when their save lost a race on a unique key (a double click, two tabs, two
# people): nothing of theirs was saved, because the same thing already was.
ALREADY_SAVED = _("Dette er allerede lagret – kanskje av noen andre samtidig. Se siden på nytt.")

# PostgreSQL's unique_violation; SQLite (the demo) names its own.
_UNIQUE_SQLSTATE = "23505"
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


class StyledFormMixin:
    """Adds Designsystemet's input class to every widget; Django adds the aria attributes."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} ds-input".strip()


def is_unique_violation(error: BaseException) -> bool:
    """Whether a database error is a unique key refusing a second row. Django wraps the driver's
    error, which names the cause: psycopg's UniqueViolation carries SQLSTATE 23505."""
    if not isinstance(error, IntegrityError):
        return False
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == _UNIQUE_SQLSTATE
        or getattr(cause, "sqlite_errorname", None) in _SQLITE_UNIQUE
    )


@contextmanager
def unique_violation_as_validation_error() -> Iterator[None]:
    """Run a service's write in a savepoint of its own, so that a unique key refusing it leaves
    the connection usable, and answer that refusal as a ValidationError with ALREADY_SAVED.

    The services check uniqueness first (``full_clean``) and give their own message; this is
    for the race those checks cannot see: two requests that both checked before either wrote.
    Any other database error is not the user's doing and goes on up."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise ValidationError(ALREADY_SAVED, code="already_saved") from error
