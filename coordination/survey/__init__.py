"""The team's own survey of how the cooperation works."""
