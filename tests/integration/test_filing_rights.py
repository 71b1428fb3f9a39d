"""Who may file: applicants for themselves, staff only for someone else (assisted)."""

import pytest

from tests.integration.conftest import CITIZEN, Caller, System, staff

FOLLOWUP = Caller("sub-followup-1", "followup-zhao", ("followup",))
OPS = Caller("sub-ops-1", "ops-qian", ("ops",))
# Signed up in Cognito, not yet put in a group by ops
NEWCOMER = Caller("sub-new-1", "new-user", ())


@pytest.mark.parametrize(
    "caller",
    [staff("ECOENV"), FOLLOWUP, OPS, NEWCOMER],
    ids=["department", "followup", "ops", "no-group"],
)
def test_only_the_citizen_group_files_for_itself(system: System, caller: Caller) -> None:
    # When a non-applicant files on the web channel as itself
    answer = system.create("SD-KFQ-0010", caller=caller, delivery={"mode": "pickup"})

    # Then 403 naming channel, and the caller owns no case
    assert answer.status == 403, answer.body
    assert [f["field"] for f in answer.body["fields"]] == ["channel"]
    listed = system.api("GET", "/applications", caller=caller)
    assert listed.status == 200 and listed.body["items"] == []


def test_a_citizen_files_and_staff_assist(system: System) -> None:
    own = system.create("SD-KFQ-0010", caller=CITIZEN, delivery={"mode": "pickup"})
    assisted = system.create(
        "SD-KFQ-0010", caller=staff("ECOENV"), channel="assisted", delivery={"mode": "pickup"}
    )
    refused = system.create(
        "SD-KFQ-0010", caller=FOLLOWUP, channel="assisted", delivery={"mode": "pickup"}
    )
    assert own.status == 201 and assisted.status == 201, (own.body, assisted.body)
    assert refused.status == 422 and refused.body["fields"][0]["field"] == "channel"
