from datetime import date

import pytest

from assistant.timeparse import find_period

TODAY = date(2017, 3, 15)  # a Wednesday


@pytest.mark.parametrize("q,since,until", [
    ("What happened in March 2017?", date(2017, 3, 1), date(2017, 3, 31)),
    ("news from February, 2017 about Trump", date(2017, 2, 1), date(2017, 2, 28)),
    ("What did the Senate do this week?", date(2017, 3, 13), date(2017, 3, 15)),
    ("and last week?", date(2017, 3, 6), date(2017, 3, 12)),
    ("yesterday's vote", date(2017, 3, 14), date(2017, 3, 14)),
    ("What happened on February 7, 2017?", date(2017, 2, 7), date(2017, 2, 7)),
    ("the 7th of Feb 2017", date(2017, 2, 1), date(2017, 2, 28)),
    ("events of 7 February 2017", date(2017, 2, 7), date(2017, 2, 7)),
    ("elections in 2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("last month", date(2017, 2, 1), date(2017, 2, 28)),
])
def test_periods(q, since, until):
    p = find_period(q, TODAY)
    assert p is not None and (p.since, p.until) == (since, until)


def test_no_period():
    assert find_period("What tariff rate on Japanese imports was set to expire?", TODAY) is None
