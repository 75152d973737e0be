"""Lazy sections of the team page (issue 17): a placeholder until it scrolls into view, then
htmx loads it. ``expect(...).to_be_visible()`` does not scroll, so a journey reveals it first."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

_TRIES = 10


def reveal(section: Locator) -> Locator:
    """Scroll the section into view and wait until its content replaced the placeholder. A
    section above it that loads meanwhile can push it out of view before htmx saw it
    intersect; a reader then scrolls to it again, and so does this, until it has loaded."""
    placeholder = section.get_by_text("Henter …")
    for _ in range(_TRIES - 1):
        section.scroll_into_view_if_needed()
        try:
            expect(placeholder).to_have_count(0, timeout=1_000)
            return section
        except AssertionError:
            continue
    section.scroll_into_view_if_needed()
    expect(placeholder).to_have_count(0)
    return section
