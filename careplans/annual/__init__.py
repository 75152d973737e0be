"""Årshjul: the plan's annual cycle of mandatory activities and their occurrences."""
