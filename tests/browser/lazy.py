"""Lazy sections of the team page (issue 17): a placeholder until it scrolls into view, then
htmx loads it. ``expect(...).to_be_visible()`` does not scroll, so a journey reveals it first."""

from __future__ import annotations

from playwright.sync_api import Locator, expect


def reveal(section: Locator) -> Locator:
    """Scroll the section into view and wait until its content replaced the placeholder."""
    section.scroll_into_view_if_needed()
    expect(section.get_by_text("Henter …")).to_have_count(0)
    return section
