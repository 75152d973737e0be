"""The phase plan (green, yellow, red: who does what if) and the team's phase changes."""
