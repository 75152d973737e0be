"""Django's database sessions, with the session read every request begins with compiled once.

Each request of a logged-in user reads its session and then its user (``lkt.login``) before
the view runs: Django builds and compiles both querysets every time, which took about as long
as PostgreSQL's answers (issue 17: a quarter of the crisis card, whose target is the login page,
which reads neither). The rows, the expiry rule and what a missing session does are Django's.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from lkt.core.compiled_query import CompiledQuery

_SESSION = CompiledQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key=str,
    now=dt.datetime,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        # Django's: the session unless it has expired; without it, no key (a new one is made).
        session = _SESSION.first(key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None
        return session
