"""A thread as a list of threads shows it, its counts in words: the team's list page, the
portal's and the team page's "meldinger" section (Jinja2). A plural is made here, in Python,
where makemessages reads it (lkt/core/jinja2.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import ngettext

from coordination.models import Thread


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread  # annotated with message_count and unread_count (selectors._annotated)

    @property
    def unread(self) -> str:
        """What the reader has not read, said in words; nothing when all is read."""
        count: int = self.thread.unread_count  # type: ignore[attr-defined]
        if not count:
            return ""
        return ngettext("%(counter)s ulest", "%(counter)s uleste", count) % {"counter": count}

    @property
    def messages(self) -> str:
        count: int = self.thread.message_count  # type: ignore[attr-defined]
        return ngettext("%(counter)s melding", "%(counter)s meldinger", count) % {"counter": count}


def thread_rows(threads: Iterable[Thread]) -> list[ThreadRow]:
    return [ThreadRow(thread) for thread in threads]


def unread_total(count: int) -> str:
    """The section's sentence on what is unread in all its threads; nothing when all is read."""
    if not count:
        return ""
    return ngettext(
        "Du har %(counter)s ulest melding.", "Du har %(counter)s uleste meldinger.", count
    ) % {"counter": count}
