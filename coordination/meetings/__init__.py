"""Meetings: agenda, minutes, decisions and the improvement cycle's stage."""
