"""How Turnabout writes dates and times in English: "15 Dec 2026", "15 Dec", "15 Dec 2026, 14:30".

Templates use the named formats (`|date:"DATE_FORMAT"`, `"MONTH_DAY_FORMAT"`,
`"DATETIME_FORMAT"`, `"TIME_FORMAT"`), never a literal pattern, so every page writes a date
the same way, and a language added later brings its own module beside this one.
"""

DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j M"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d/%m/%Y"]
