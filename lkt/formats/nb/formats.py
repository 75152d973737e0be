"""Norwegian date formats for LKT: one way of writing a date everywhere, "2.12.2026" (day and
month without a leading zero, as Norwegians write by hand and Språkrådet allows), and "kl."
before the time. Django's own nb locale mixes "02.12.2026" (SHORT_DATE_FORMAT) and
"2. desember 2026" (DATE_FORMAT); pages, PDFs, e-mails and messages all read these two
settings (templates through ``|date``, Python through ``lkt.core.dates``), and a test holds every
template and module to them (tests/lkt/core/test_dates.py)."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = r"j.n.Y \k\l. H:i"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l. H:i"
