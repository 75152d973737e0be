"""Felles plan for samarbeid (element D): versions, approval by the patient and the team, and
the differences between versions."""
