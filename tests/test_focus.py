from assistant.focus import focus

TEXT = ("Japan and the US held talks on Monday. The weather was mild in Tokyo. Akazawa spoke with Lutnick "
        "for 40 minutes. The talks covered a 24% tariff on Japanese goods. Markets rose. Cars are the sector "
        "most at risk. Nothing else happened that day.")


def test_short_passages_and_zero_budget_are_left_whole():
    assert focus("One sentence.", "anything", 100) == "One sentence."
    assert focus(TEXT, "Akazawa", 0) == TEXT


def test_keeps_the_sentences_that_share_words_with_the_question_and_the_one_after():
    out = focus(TEXT, "How long did Akazawa speak with Lutnick?", 110)
    assert out == "… Akazawa spoke with Lutnick for 40 minutes. The talks covered a 24% tariff on Japanese goods. …"
    assert len(out) <= 110
    assert "weather" in focus(TEXT, "How long did Akazawa speak with Lutnick?", 130)  # room left: widened


def test_stems_match_and_order_is_kept():
    out = focus(TEXT, ["Which sectors are at risk?", "cars"], 120)
    assert "Cars are the sector most at risk." in out and "weather" not in out
    assert out.index("Markets") < out.index("Cars") if "Markets" in out else True


def test_no_overlap_keeps_the_start_and_a_single_long_sentence_is_cut():
    assert focus(TEXT, "zzz", 60) == "Japan and the US held talks on Monday. …"
    long = "word " * 100
    cut = focus(long.strip(), "zzz", 50)
    assert len(cut) <= 50 and cut.endswith("…")
