"""One date format site-wide ("1 Dec 2026", "1 Dec 2026, 14:05"): day first, a month
abbreviation without a dot and a 24-hour clock, so a sentence ending with a date or a
time never ends in "p.m.." (settings.FORMAT_MODULE_PATH points here)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
