"""Aktørkart (element B): the actors around the patient on rings of closeness, how they talk
to each other, and the scenarios of who leaves soon."""
