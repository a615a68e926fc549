import pytest

from eval.metrics import (accuracy, exact_match, first_hit, has_answer, normalize, percentile, reciprocal_rank,
                          recall_at, token_f1)


def test_normalize_like_squad():
    assert normalize("The  U.S. tariff, at 24%!") == "us tariff at 24"


def test_has_answer_on_word_boundaries():
    assert not has_answer("Elections in 2024 were close", ["2"])
    assert has_answer("A 24% reciprocal tariff", ["24%"])
    assert has_answer("Howard Lutnick said", ["howard  lutnick"])
    assert not has_answer("Lutnickson said", ["Lutnick"])
    assert has_answer("13,000 people", ["13,000"]) and not has_answer("130,000 people", ["13,000"])
    assert not has_answer("anything", [""])


def test_ranks_recall_and_mrr():
    passages = ["nothing here", "still nothing", "the answer is Moonlight", "Moonlight again"]
    assert first_hit(passages, ["moonlight"]) == 3
    assert first_hit(passages, ["La La Land"]) is None
    assert (recall_at(3, 1), recall_at(3, 4), recall_at(None, 20)) == (0.0, 1.0, 0.0)
    assert reciprocal_rank(3) == pytest.approx(1 / 3) and reciprocal_rank(11) == 0.0


def test_answer_scores():
    assert exact_match("The Moonlight.", ["moonlight"]) == 1.0
    assert exact_match("Moonlight won", ["moonlight"]) == 0.0
    assert token_f1("Moonlight won best picture", ["Moonlight"]) == pytest.approx(2 * 0.25 * 1 / 1.25)
    assert token_f1("nothing", ["Moonlight"]) == 0.0
    assert accuracy("It was 24% [1].", ["24%", "24 percent"]) == 1.0
    assert accuracy("It was 2024.", ["24"]) == 0.0


def test_percentile_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(range(1, 101), 95) == 95
    assert percentile([], 50) is None
