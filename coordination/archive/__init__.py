"""Retention: a closed team's archive copy (PDF/A) for the kommune's archive, and the list of closed
teams to get it from later."""
