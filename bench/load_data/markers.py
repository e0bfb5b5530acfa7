"""How load data is told apart from real data, and the day it describes.

Load data is recognised by its names, never by ids, so that a later run finds (and
``--replace`` removes) what an earlier run wrote; no real record carries these marks.
"""

import datetime

# Projects LD-0000001…, key tasks LT-000001….
PROJECT_CODE_PREFIX = "LD-"
TASK_CODE_PREFIX = "LT-"
# Divisions, parks and departments; no real name starts with 合成 ("synthetic").
NAME_PREFIX = "合成"
# Work points, numbered from 101: clear of the numbers a real year's plan uses.
WORK_POINT_PREFIX = "合成工作要点"
WORK_POINT_FIRST_NUMBER = 101
# Users load-<department>-<n>, at an address that cannot receive mail.
USERNAME_PREFIX = "load-"
EMAIL_DOMAIN = "load-bench.example"

# The day the data describes. Fixed rather than today, so that the rows do not depend
# on when they are generated. Task deadlines end by 2026-12-31, so any date after that
# (e.g. 2030-01-01) sees every open task overdue.
AS_OF = datetime.date(2026, 11, 1)
PROJECT_YEARS = range(2015, 2027)
TASK_YEARS = range(2019, 2027)

# The codes' widths: LD- and seven digits, LT- and six.
MAX_PROJECTS = 9_999_999
MAX_TASKS = 999_999
