"""Norwegian date formats for LKT: "kl." before the time, as Norwegians write it."""

DATETIME_FORMAT = r"j. F Y \k\l. H:i"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l. H:i"
