"""Observations: what a member notices, with a proposed phase."""
