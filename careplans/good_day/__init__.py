"""Min gode dag (element A): the patient's goals and challenges in their own words, versioned,
and the good-day ratings over time."""
