"""One case's story (issue 14): the saved Logs Insights query reads every function's log
group and both state machines' execution logs, and the README prints the same query."""

from pathlib import Path
from typing import Any

from infra import constants as c
from infra.constructs.case_story import CASE_STORY_QUERY, PLACEHOLDER, QUERY_NAME

README = Path(__file__).parents[2] / "README.md"


def query_definition(synth: Any) -> dict[str, Any]:
    found = synth.of_type("AWS::Logs::QueryDefinition")
    assert len(found) == 1
    properties: dict[str, Any] = next(iter(found.values()))["Properties"]
    return properties


def test_the_case_story_query_reads_every_function_and_both_machines(synth: Any) -> None:
    # Given the synthesized stack's saved query
    query = query_definition(synth)
    # When we resolve the log groups it names
    named = {entry["Ref"] for entry in query["LogGroupNames"]}
    log_groups = synth.of_type("AWS::Logs::LogGroup")
    # Then each function's own log group is among them (the one its role may write)
    for key in c.FUNCTIONS:
        _, function = synth.function(key)
        assert function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] in named, key
    # And both state machines' execution logs
    vended = {k for k, r in log_groups.items() if "vendedlogs/states" in str(r["Properties"])}
    assert len(vended) == 2 and vended <= named
    assert query["Name"] == QUERY_NAME


def test_the_query_filters_one_case_and_prints_it_in_order(synth: Any) -> None:
    text = query_definition(synth)["QueryString"]
    assert text == CASE_STORY_QUERY.to_string()
    assert f'application_id = "{PLACEHOLDER}"' in text
    assert "sort @timestamp asc" in text


def test_the_readme_prints_the_saved_query() -> None:
    # The README's copy must be the deployed one, line for line
    readme = README.read_text(encoding="utf-8")
    for line in CASE_STORY_QUERY.to_string().splitlines():
        assert line in readme, line
