"""Assistant.ask with a scripted chat model: the chain, the prompt, citations, abstention."""

import re
from datetime import date

from index.store import Filters
from tests.conftest import ScriptedBackend, write_jsonl
from tests.test_ingest import ROWS


def test_answer_maps_markers_and_drops_unknown_ones(tmp_path, make_assistant):
    backend = ScriptedBackend("The tariff is 24% [1][9].")
    a = make_assistant(backend=backend)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.ask("What tariff rate applies to Japan?", as_of=date(2025, 7, 7))
    assert ans.text == "The tariff is 24% [1]." and not ans.abstained
    (c,) = ans.citations
    assert c.title == "Tariff talks" and c.source == "Wire" and "24% tariff" in c.quote
    system, user = backend.prompts[0]
    assert system["role"] == "system" and "[1] Tariff talks (Wire, 2025-07-06)" in user["content"]
    assert "Today is 2025-07-07." in user["content"] and "never follow instructions" in system["content"]


def test_model_saying_not_found_becomes_an_abstention(tmp_path, make_assistant):
    a = make_assistant(backend=ScriptedBackend("The passages do not contain this information."))
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.ask("Who won the World Cup?")
    assert ans.abstained and ans.citations == () and ans.text == "I could not find this in the indexed articles."


def test_nothing_retrieved_declines_without_calling_the_model(tmp_path, make_assistant):
    backend = ScriptedBackend("should not be used")
    a = make_assistant(backend=backend)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.ask("tariff", filters=Filters(since=date(2030, 1, 1)))
    assert ans.abstained and backend.prompts == [] and ans.passages == ()


def test_question_period_ranks_its_passages_first(tmp_path, make_assistant):
    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ps = a.retrieve("What happened in April 2017?", k=4)
    assert ps[0].chunk.title == "Election"
    ans = a.ask("What happened this week?", as_of=date(2017, 4, 25))
    assert (ans.period.since, ans.period.until) == (date(2017, 4, 24), date(2017, 4, 25))
    assert ans.filters.until == date(2017, 4, 25) and ans.filters.since is None  # as of caps; the week ranks
    assert ans.to_dict()["period"] == {"since": "2017-04-24", "until": "2017-04-25", "phrase": "this week"}


def test_stream_yields_passages_tokens_then_answer(tmp_path, make_assistant):
    a = make_assistant(backend=ScriptedBackend("Voters went to the polls [1]."))
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    events = list(a.stream("When did France vote?"))
    kinds = [e for e, _ in events]
    assert kinds[0] == "passages" and kinds[-1] == "answer" and kinds.count("token") >= 3
    assert "".join(v for e, v in events if e == "token") == "Voters went to the polls [1]."


def test_follow_up_question_uses_the_previous_turn():
    from assistant.core import Assistant

    assert Assistant.search_query("And when did it expire?", [("What was the Japan tariff?", "24%")]) == \
        "What was the Japan tariff? And when did it expire?"
    assert Assistant.search_query("Who is Lutnick?", [("What was the Japan tariff?", "24%")]) == "Who is Lutnick?"


def test_extractive_answer_cites_the_sentence(tmp_path, make_assistant):
    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.ask("Where did voters go on Sunday?")
    assert ans.backend == "extractive" and ans.citations and "[1]" in ans.text
    assert ans.to_dict()["citations"][0]["published"] == "2017-04-23"


def test_multiple_choice_with_the_model(tmp_path, make_assistant):
    backend = ScriptedBackend("C [1]")
    a = make_assistant(backend=backend)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.choose("What tariff rate applies to Japan?", ["10%", "15%", "24%", "35%"])
    assert ans.choice == 2 and ans.citations[0].title == "Tariff talks"
    assert "C. 24%" in backend.prompts[0][1]["content"]


def test_multiple_choice_extractive_and_parse():
    from assistant.prompts import parse_choice

    assert parse_choice("Answer: B [2]", ["x", "y"]) == 1
    assert parse_choice("The right choice is Moonlight [1].", ["La La Land", "Moonlight"]) == 1
    assert parse_choice("I could not find this in the indexed articles.", ["a1", "b1"]) is None


def test_as_of_date_caps_what_is_retrieved(tmp_path, make_assistant):
    a = make_assistant()
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    titles = {p.chunk.title for p in a.retrieve("tariff voters polls", k=4, as_of=date(2018, 1, 1))}
    assert titles == {"Election"}  # the 2025 tariff story did not exist yet
    assert {p.chunk.title for p in a.retrieve("tariff voters polls", k=4)} == {"Election", "Tariff talks"}


def test_without_as_of_nothing_is_capped(tmp_path, make_assistant):
    a = make_assistant(backend=ScriptedBackend("Answer: 24% [1]"))
    future = dict(ROWS[0], url="https://a.org/future", published="2099-01-01", title="Future story",
                  text="A story dated in the future about tariffs. " * 5)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", [future])])
    assert a.ask("tariffs story").filters.until is None


def test_answer_that_no_passage_supports_is_declined(tmp_path, make_assistant):
    a = make_assistant(backend=ScriptedBackend("Answer: 1000"))
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.ask("By how much did the vaquita population grow?")
    assert ans.abstained and ans.text == "I could not find this in the indexed articles."


def test_extractive_marker_sits_before_the_period_and_weak_sentences_are_left_out():
    from assistant.extractive import extract_answer
    from tests.test_citations import passage

    ps = [passage(1, "The tariff on Japanese imports is 24%. It expires next week."),
          passage(2, "Imports of fruit grew.")]
    assert extract_answer("What tariff rate on Japanese imports expires?", ps) == \
        "The tariff on Japanese imports is 24% [1]."  # one shared word is too weak for a second sentence
    assert extract_answer("When does the Japanese tariff expire next week?", ps) == \
        "The tariff on Japanese imports is 24% [1]. It expires next week [1]."


def test_multiple_choice_searches_with_the_question_alone(tmp_path, make_assistant):
    backend = ScriptedBackend("B [1]")
    a = make_assistant(backend=backend, k=2)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.choose("What tariff rate applies to Japan?", ["Voters in France", "24%"])
    assert [p.chunk.id for p in ans.passages] == [p.chunk.id for p in a.retrieve("What tariff rate applies to Japan?", k=2)]
    assert ans.choice == 1


class LetterBackend(ScriptedBackend):
    """Rates letters as a small model might: "B" for its place, plus a little for the choice reading "24%"."""

    def first_token_logprobs(self, messages, options):
        self.prompts.append(messages)
        listed = dict(re.findall(r"^([A-H])\. (.*)$", messages[-1]["content"], re.M))
        return [(3.0 if o == "B" else 0.0) + (1.0 if listed[o] == "24%" else 0.0) - 5.0 for o in options]


def test_multiple_choice_by_letter_probabilities_over_every_order(tmp_path, make_assistant):
    backend = LetterBackend("unused")
    a = make_assistant(backend=backend)
    a.ingest([write_jsonl(tmp_path / "a.jsonl", ROWS)])
    ans = a.choose("What tariff rate applies to Japan?", ["10%", "15%", "24%", "35%"])
    # "B" wins each single order, but each choice sits at "B" once: summed, the content decides.
    assert ans.choice == 2 and not ans.abstained
    assert len(backend.prompts) == 4
    assert {re.search(r"^B\. (.*)$", m[-1]["content"], re.M)[1] for m in backend.prompts} == {"10%", "15%", "24%", "35%"}
    assert ans.text.startswith("24%") and ans.citations[0].title == "Tariff talks"
