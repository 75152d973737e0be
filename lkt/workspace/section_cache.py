"""The team page's rendered sections, kept for their viewer while the team's revision holds.

A section's HTML follows from the team's rows, which the revision counts every change to
(lkt.workspace.team_revision); from who views it (their standing, what is theirs: their unread
threads, their survey answer); from the language; and from the clock (a meeting that has begun,
a survey round past its deadline). So an entry is keyed by the section, the team with its
revision, the viewer with their standing (decided afresh on every request, as ever) and the
language, and lives ``FRESH_FOR`` seconds, which bounds what the
clock alone changes. A change shows at once: the next request reads the new revision. The
section's rows are read after the revision, from committed rows (only GETs render one), so
what an entry holds is never older than its key.

Kept in each process's own memory (settings: the "sections" cache): a hit costs no round trip,
which is the point (a partial's budget is the access read and the audit row, issue 17); the
revision makes an entry other processes should no longer serve unreachable, none is deleted.
The request's CSRF token is not kept: the HTML is rendered with a placeholder that each
response fills with its own (lkt.core.csrf).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.utils import translation

from actors.selectors import TeamPage
from lkt.core import csrf

FRESH_FOR = 60  # seconds


def kept(request: HttpRequest, page: TeamPage, name: str, render: Callable[[], str]) -> str:
    """The section ``name`` as ``render`` makes it, from the cache when the viewer has it at
    the team's revision. Rendered each time on SQLite, which keeps no revision."""
    if connection.vendor != "postgresql" or page.viewer is None:
        return render()
    team, standing = page.team, page.standing
    facts = "".join("1" if getattr(standing, f.name) else "0" for f in fields(standing))
    key = f"{name}:{team.pk}:{team.revision}:{page.viewer.pk}:{facts}:{translation.get_language()}"
    cache = caches["sections"]
    html: str | None = cache.get(key)
    if html is None:
        with csrf.placeholder(request):
            html = render()
        cache.set(key, html, FRESH_FOR)
    return csrf.with_token(request, html)
