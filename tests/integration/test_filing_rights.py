"""Who may file: applicants for themselves, service agents only for someone else."""

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


def test_a_citizen_files_and_a_service_agent_files_for_someone(system: System) -> None:
    own = system.create("SD-KFQ-0010", caller=CITIZEN, delivery={"mode": "pickup"})
    agent = Caller("sub-agent-1", "agent-sun", ("agent",))
    for_someone = system.create(
        "SD-KFQ-0010", caller=agent, channel="agent", delivery={"mode": "pickup"}
    )
    by_department = system.create(
        "SD-KFQ-0010", caller=staff("ECOENV"), channel="agent", delivery={"mode": "pickup"}
    )
    retired = system.create(
        "SD-KFQ-0010", caller=agent, channel="assisted", delivery={"mode": "pickup"}
    )
    assert own.status == 201 and for_someone.status == 201, (own.body, for_someone.body)
    assert by_department.status == 403 and by_department.body["fields"][0]["field"] == "channel"
    assert retired.status == 422 and retired.body["fields"][0]["field"] == "channel"
