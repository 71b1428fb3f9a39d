"""帮办代办 over the API: a service agent files for a company, the company's contact gets a
texted code, and the filing is submitted only once the applicant has confirmed exactly
what is filed: in their own account (the case moves there, the agent keeps acting on it)
or by reading the code out to the agent. Remote-assisted sessions (云帮办) are recorded on
the case; every action of the agent's is recorded as on the applicant's behalf."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import (
    CITIZEN,
    ENTERPRISE,
    OTHER_CITIZEN,
    Caller,
    System,
    running_system,
)
from tests.integration.journeys import (
    complete_form,
    decide_all,
    texted_code,
    texts_to,
    upload_required,
)

AGENT = Caller("sub-agent-1", "agent-sun", ("agent",))
OTHER_AGENT = Caller("sub-agent-2", "agent-zhou", ("agent",))
ITEM = "SD-KFQ-0010"  # 用水用电联合报装
PHONE = ENTERPRISE["phone"]


@pytest.fixture(scope="module")
def system() -> Iterator[System]:
    with running_system() as running:
        yield running


def latest_code(phone: str = PHONE) -> str:
    return texted_code(phone)


def agents_draft(system: System, channel: str = "agent") -> str:
    created = system.create(
        ITEM,
        caller=AGENT,
        channel=channel,
        form=complete_form(ITEM),
        delivery={"mode": "pickup"},
    )
    assert created.status == 201, created.body
    case: str = created.body["applicationId"]
    upload_required(system, case, ITEM, caller=AGENT)
    return case


def send_code(system: System, case: str) -> dict[str, Any]:
    sent = system.api("POST", f"/applications/{case}/confirmation-code", caller=AGENT)
    assert sent.status == 200, sent.body
    return dict(sent.body)


def confirm(system: System, case: str, caller: Caller, **body: Any) -> Any:
    return system.api("POST", f"/applications/{case}/confirmation", caller=caller, body=body)


def fields(answer: Any) -> list[str]:
    return [f["field"] for f in answer.body["fields"]]


def test_who_files_on_the_agent_channels(system: System) -> None:
    # A citizen files for itself, not as an agent; the old `assisted` is no longer filed
    by_citizen = system.create(ITEM, caller=CITIZEN, channel="agent")
    assert by_citizen.status == 403 and fields(by_citizen) == ["channel"]
    legacy = system.create(ITEM, caller=AGENT, channel="assisted")
    assert legacy.status == 422 and fields(legacy) == ["channel"]
    # An agent files only with the applicant's phone, which the code goes to
    no_phone = {k: v for k, v in ENTERPRISE.items() if k != "phone"}
    refused = system.create(ITEM, caller=AGENT, channel="agent", applicant=no_phone)
    assert refused.status == 422 and fields(refused) == ["applicant.phone"]
    # And an agent is not an applicant filing for itself
    for_itself = system.create(ITEM, caller=AGENT, channel="web")
    assert for_itself.status == 403


def test_the_applicant_confirms_in_their_own_account_and_the_case_moves_there(
    system: System,
) -> None:
    case = agents_draft(system)
    # The case is the agent's, not yet anybody else's; it cannot be submitted unconfirmed
    assert system.api("GET", f"/applications/{case}", caller=CITIZEN).status == 404
    listed = system.api("GET", "/agent/applications", caller=AGENT)
    assert case in [c["applicationId"] for c in listed.body["items"]]
    early = system.api("POST", f"/applications/{case}/submit", caller=AGENT)
    assert early.status == 409 and fields(early) == ["confirmation"], early.body

    # When the agent has the code texted: masked, once a minute, without the name
    sent = send_code(system, case)
    assert sent["sentTo"] == f"{PHONE[:3]}****{PHONE[-4:]}"
    text = texts_to(PHONE)[-1]
    assert "用水用电联合报装" in text and f"/confirm/{case}" in text
    assert ENTERPRISE["name"] not in text and ENTERPRISE["creditCode"] not in text
    again = system.api("POST", f"/applications/{case}/confirmation-code", caller=AGENT)
    assert again.status == 409 and fields(again) == ["code"]
    code = latest_code()

    # The applicant reviews it in their own account: a wrong code counts
    wrong = "000000" if code != "000000" else "111111"
    preview = f"/applications/{case}/confirmation/preview"
    miss = system.api("POST", preview, caller=CITIZEN, body={"code": wrong})
    assert miss.status == 422 and fields(miss) == ["code"] and "4 attempt" in miss.body["message"]
    seen = system.api("POST", preview, caller=CITIZEN, body={"code": code})
    assert seen.status == 200, seen.body
    assert seen.body["assistedBy"] == AGENT.username and seen.body["materials"]
    assert seen.body["confirmation"]["failedAttempts"] == 1
    assert "code" not in str(seen.body["confirmation"]).lower().replace("codeexpiresat", "")
    # The agent does not preview; a malformed code is named
    by_agent = system.api("POST", preview, caller=AGENT, body={"code": code})
    assert by_agent.status == 403
    malformed = confirm(system, case, CITIZEN, code="12ab")
    assert malformed.status == 422 and fields(malformed) == ["body.code"], malformed.body

    # When they confirm: the case is theirs, and the agent still acts on it
    confirmed = confirm(system, case, CITIZEN, code=code)
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["confirmation"]["confirmedBy"] == "applicant_account"
    mine = system.api("GET", "/applications", caller=CITIZEN)
    assert case in [c["applicationId"] for c in mine.body["items"]]
    assert case in [
        c["applicationId"]
        for c in system.api("GET", "/agent/applications", caller=AGENT).body["items"]
    ]
    assert system.api("GET", f"/applications/{case}", caller=OTHER_AGENT).status == 404
    assert confirm(system, case, CITIZEN, code=code).status == 404  # confirmed already
    submitted = system.api("POST", f"/applications/{case}/submit", caller=AGENT)
    assert submitted.status == 200, submitted.body

    # Then it goes through, and only the applicant rates it
    system.wait_for_status(case, "IN_APPROVAL")
    decide_all(system, case, ITEM)
    system.wait_for_status(case, "DELIVERED", "COMPLETED")
    rating = {"rating": 5, "comment": "帮办员全程代办，很省心"}
    by_agent_rating = system.api(
        "POST", f"/applications/{case}/feedback", caller=AGENT, body=rating
    )
    assert by_agent_rating.status == 403 and fields(by_agent_rating) == ["rating"]
    rated = system.api("POST", f"/applications/{case}/feedback", caller=CITIZEN, body=rating)
    assert rated.status == 200, rated.body
    actions = [e["action"] for e in rated.body["timeline"]]
    assert actions.index("confirmation_requested") < actions.index("filing_confirmed")
    assert actions.index("filing_confirmed") < actions.index("submitted")

    # And the audit trail has the agent's submit as on the applicant's behalf
    trail = system.api("GET", f"/applications/{case}/audit", caller=CITIZEN, query={"limit": "100"})
    assert trail.status == 200, trail.body
    submit = next(
        r
        for r in trail.body["items"]
        if r["via"] == "POST /applications/{applicationId}/submit" and r["record"] == "HEADER"
    )
    assert submit["actor"] == AGENT.username
    assert submit["onBehalfOf"] == f"applicant {ENTERPRISE['creditCode']}"
    # The agent who filed it reads the trail too; another agent does not
    by_agent_trail = system.api("GET", f"/applications/{case}/audit", caller=AGENT)
    assert by_agent_trail.status == 200, by_agent_trail.body
    assert system.api("GET", f"/applications/{case}/audit", caller=OTHER_AGENT).status == 404


def test_the_agent_enters_the_code_and_a_changed_filing_is_confirmed_again(
    system: System,
) -> None:
    case = agents_draft(system)
    send_code(system, case)
    confirmed = confirm(system, case, AGENT, code=latest_code())
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["confirmation"]["confirmedBy"] == "code_entered_by_agent"
    # Still the agent's: nobody's account was shown the case
    assert system.api("GET", f"/applications/{case}", caller=CITIZEN).status == 404

    # When the agent changes the form after the confirmation
    draft = system.api("GET", f"/applications/{case}", caller=AGENT).body
    form = {**draft["form"], "powerCapacity": draft["form"]["powerCapacity"] + 50}
    saved = system.api(
        "POST",
        f"/applications/{case}/draft",
        caller=AGENT,
        body={"version": draft["version"], "form": form},
    )
    assert saved.status == 200, saved.body
    # Then submit refuses: it is not what the applicant confirmed
    refused = system.api("POST", f"/applications/{case}/submit", caller=AGENT)
    assert refused.status == 409 and fields(refused) == ["confirmation"]
    assert "changed" in refused.body["message"]
    # A new code (a minute on) and the applicant's word again let it through
    system.advance_clock(1 / 24)
    send_code(system, case)
    assert confirm(system, case, AGENT, code=latest_code()).status == 200
    submitted = system.api("POST", f"/applications/{case}/submit", caller=AGENT)
    assert submitted.status == 200, submitted.body


def test_the_applicant_declines_and_wrong_codes_run_out(system: System) -> None:
    case = agents_draft(system)
    send_code(system, case)
    code = latest_code()
    # The agent may not decline for them; declining needs a reason
    assert confirm(system, case, AGENT, code=code, decision="decline").status == 403
    bare = confirm(system, case, CITIZEN, code=code, decision="decline")
    assert bare.status == 422 and fields(bare) == ["reason"]
    declined = confirm(
        system, case, CITIZEN, code=code, decision="decline", reason="报装地址写错了"
    )
    assert declined.status == 200, declined.body
    assert declined.body["confirmation"]["declineReason"] == "报装地址写错了"
    # The agent sees why; the case stayed theirs
    seen = system.api("GET", f"/applications/{case}", caller=AGENT)
    assert seen.body["confirmation"]["declinedAt"]
    assert system.api("GET", f"/applications/{case}", caller=CITIZEN).status == 404

    # A new code, then five wrong tries void it
    system.advance_clock(1 / 24)
    send_code(system, case)
    code = latest_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert confirm(system, case, OTHER_CITIZEN, code=wrong).status == 422
    spent = confirm(system, case, CITIZEN, code=code)
    assert spent.status == 409 and fields(spent) == ["code"]
    assert "too many" in spent.body["message"]


def test_a_remote_assisted_session_is_recorded_on_the_case(system: System) -> None:
    case = agents_draft(system, channel="remote_assisted")
    sessions = f"/applications/{case}/assist-sessions"
    started = system.api("POST", sessions, caller=AGENT, body={"channel": "video"})
    assert started.status == 201, started.body
    session = started.body["sessionId"]
    assert started.body["agent"] == AGENT.username and started.body["endedAt"] is None
    # One open at a time; only the case's agent records them
    assert system.api("POST", sessions, caller=AGENT, body={"channel": "phone"}).status == 409
    assert system.api("POST", sessions, caller=OTHER_AGENT, body={"channel": "phone"}).status == 404
    bad_channel = system.api("POST", sessions, caller=AGENT, body={"channel": "fax"})
    assert bad_channel.status == 422 and fields(bad_channel) == ["body.channel"]

    # Ending it names the materials taken in, which must be the item's
    end = f"{sessions}/{session}/end"
    unknown = system.api("POST", end, caller=AGENT, body={"materialsTaken": ["SEAL_IMPRESSION"]})
    assert unknown.status == 422 and fields(unknown) == ["materialsTaken.0"], unknown.body
    body = {"notes": "视频核对营业执照原件，指导填写报装容量", "materialsTaken": ["ID_CARD"]}
    ended = system.api("POST", end, caller=AGENT, body=body)
    assert ended.status == 200, ended.body
    assert ended.body["endedAt"] and ended.body["materialsTaken"] == ["ID_CARD"]
    assert system.api("POST", end, caller=AGENT, body=body).status == 409
    missing = system.api("POST", f"{sessions}/01J0000000000000000000000/end", caller=AGENT, body={})
    assert missing.status == 404

    # The applicant sees the sessions once the case is theirs
    send_code(system, case)
    assert confirm(system, case, CITIZEN, code=latest_code()).status == 200
    listed = system.api("GET", sessions, caller=CITIZEN)
    assert listed.status == 200 and [s["sessionId"] for s in listed.body["items"]] == [session]
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert view["channel"] == "remote_assisted" and view["assistSessions"][0]["channel"] == "video"
    assert system.api("GET", sessions, caller=OTHER_CITIZEN).status == 404


def test_only_agents_have_a_list_of_filings(system: System) -> None:
    refused = system.api("GET", "/agent/applications", caller=CITIZEN)
    assert refused.status == 403
    empty = system.api("GET", "/agent/applications", caller=OTHER_AGENT)
    assert empty.status == 200 and empty.body["items"] == []
