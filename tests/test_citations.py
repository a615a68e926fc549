from datetime import date

from assistant.citations import build_citations, check_markers, is_abstention
from assistant.text import sentences
from index.types import Chunk, Passage


def passage(n, text, title="T"):
    return Passage(Chunk(id=f"a{n}:0", article_id=f"a{n}", position=0, text=text, title=title, source="BBC",
                         url=f"https://bbc.co.uk/{n}", published=date(2017, 3, n)), score=1.0 / n, rank=n)


PS = [passage(1, "The tariff is 24%. It expires next week."), passage(2, "Akazawa called Lutnick on Thursday.")]


def test_citation_to_unretrieved_passage_is_dropped():
    text, cited = check_markers("The rate is 24% [1][7]. Calls happened [2, 9].", 2)
    assert text == "The rate is 24% [1]. Calls happened [2]."
    assert cited == [1, 2]


def test_citations_carry_source_details_and_highlight():
    text, cits = build_citations("The tariff is 24% [1]. It is a tariff [1].", PS)
    (c,) = cits
    assert (c.n, c.title, c.source, c.published, c.url) == (1, "T", "BBC", date(2017, 3, 1), "https://bbc.co.uk/1")
    assert c.quote == PS[0].chunk.text and c.highlight == "The tariff is 24%."


def test_uncited_sentence_is_attributed_to_the_passage_it_comes_from():
    text, cits = build_citations("Akazawa called Lutnick on Thursday.", PS)
    assert text == "Akazawa called Lutnick on Thursday [2]." and [c.n for c in cits] == [2]


def test_unsupported_sentence_gets_no_citation():
    text, cits = build_citations("Bananas are yellow and sweet fruit.", PS)
    assert cits == [] and text == "Bananas are yellow and sweet fruit."


def test_abstention_phrases():
    assert is_abstention("I could not find this in the indexed articles.")
    assert is_abstention("The passages do not contain information about that.")
    assert not is_abstention("The tariff is 24% [1].")


def test_sentences_do_not_split_abbreviations():
    assert sentences("U.S. Commerce Secretary Howard Lutnick spoke. Mr. Akazawa replied.") == [
        "U.S. Commerce Secretary Howard Lutnick spoke.", "Mr. Akazawa replied."]


def test_marker_to_a_passage_that_does_not_support_the_sentence_is_dropped():
    ps = PS + [passage(3, "Germany and Japan discussed cars.", title="America first")]
    text, cits = build_citations("Akazawa called Lutnick [2] [3].", ps)
    assert text == "Akazawa called Lutnick [2]." and [c.n for c in cits] == [2]
    text, cits = build_citations("The tariff is 24% [3].", ps)  # wrong passage: re-attributed to the right one
    assert text == "The tariff is 24% [1]." and [c.n for c in cits] == [1]


def test_one_word_answer_is_attributed_only_when_the_passage_holds_it():
    ps = [passage(1, "The Nokia 6 will be sold through JD.com early this year.")]
    assert build_citations("JD.com", ps)[0] == "JD.com [1]"
    assert build_citations("Alibaba", ps) == ("Alibaba", [])
