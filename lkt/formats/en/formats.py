"""English date formats for LKT's English pages: the date written as on the Norwegian pages,
"2.12.2026" (one format, lkt/formats/nb), the time after a comma."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j.n.Y, H:i"
SHORT_DATETIME_FORMAT = "j.n.Y, H:i"
