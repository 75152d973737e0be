"""Tiltak: the team's tasks with responsible, due date and status."""
