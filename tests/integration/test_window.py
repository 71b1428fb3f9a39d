"""The window (前台受理) through the API while the real workflow runs: a complete case whose
item needs a person waits in the one queue any window clerk works; the clerk accepts it
(checking originals), returns it with the one-time notice, or does not accept it with
reasons; nobody deciding within 5 working days accepts it by law (§32)."""

from typing import Any

from tests.integration.conftest import CITIZEN, Caller, System, staff
from tests.integration.journeys import submitted_case

# 公众聚集场所投入使用、营业前消防安全检查: handled online to three stars (a visit for the
# originals), so a clerk accepts it; reviewed by FIRE alone.
AT_THE_WINDOW = "SD-KFQ-0018"
FULLY_ONLINE = "SD-KFQ-0010"
CLERK = Caller("sub-window-1", "window.sun", ("window",))
OTHER_CLERK = Caller("sub-window-2", "window.zhou", ("window",))


PICKUP = {"mode": "pickup"}


def queued(system: System, item: str = AT_THE_WINDOW) -> str:
    case = submitted_case(system, item, delivery=PICKUP)
    system.wait_for(case, lambda a: a.at_window_since is not None)
    return case


def decide(system: System, case: str, body: dict[str, Any], caller: Caller = CLERK) -> Any:
    return system.api("POST", f"/window/tasks/{case}/decision", caller=caller, body=body)


def test_a_clerk_accepts_a_case_checking_its_originals(system: System) -> None:
    # Given a complete case of an item that needs a person
    case = queued(system)

    # Then it waits in the clerks' queue, with why and until when, not in any inbox
    listed = system.api("GET", "/window/tasks", caller=CLERK)
    assert listed.status == 200, listed.body
    row = next(t for t in listed.body["items"] if t["applicationId"] == case)
    assert row["deemedAcceptedAt"] > row["waitingSince"]
    detail = system.api("GET", f"/window/tasks/{case}", caller=CLERK)
    assert detail.status == 200 and "originals" in detail.body["reason"]
    assert detail.body["application"]["applicant"]["name"]
    links = system.api("GET", f"/window/tasks/{case}/materials", caller=CLERK)
    assert links.status == 200 and all(m["downloadUrl"] for m in links.body["items"])
    assert system.application(case).status.value == "SUBMITTED"
    assert system.application(case).reviews == {}

    # When a clerk accepts it, having checked the application form's original
    accepted = decide(system, case, {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM"]})
    again = decide(system, case, {"outcome": "accept"})
    rival = decide(system, case, {"outcome": "not_accept", "reasons": ["x"]}, OTHER_CLERK)

    # Then it is accepted by that clerk and goes to the department; the original is marked
    assert accepted.status == 200, accepted.body
    assert again.status == 200
    assert rival.status == 409 and "window.sun" in rival.body["message"]
    approved = system.wait_for(case, lambda a: "FIRE" in a.reviews)
    assert approved.acceptance is not None and approved.acceptance.clerk is not None
    assert approved.acceptance.clerk.decided_by == "window.sun"
    assert approved.materials["APPLICATION_FORM"].original_checked_by == "window.sun"
    assert approved.at_window_since is None
    assert "in_approval" in system.actions(case)
    # And it left the queue
    listed = system.api("GET", "/window/tasks", caller=CLERK).body["items"]
    assert case not in [t["applicationId"] for t in listed]


def test_a_clerk_returns_a_case_with_the_one_time_notice_and_it_comes_back(
    system: System,
) -> None:
    case = queued(system)
    notice = [
        {"field": "VENUE_PLAN", "reason": "平面图未标注疏散通道"},
        {"field": "FIRE_RULES", "reason": "缺少消防安全制度原件"},
    ]

    returned = decide(system, case, {"outcome": "return", "missing": notice})

    assert returned.status == 200, returned.body
    back = system.wait_for_status(case, "RETURNED")
    assert back.acceptance is not None
    assert [m.field for m in back.acceptance.missing] == ["VENUE_PLAN", "FIRE_RULES"]
    view = system.api("GET", f"/applications/{case}", caller=CITIZEN).body
    assert view["acceptance"]["missing"][0]["reason"] == "平面图未标注疏散通道"

    # When the applicant resubmits (once the workflow waits for it), the case is back at
    # the window for a clerk
    system.wait_for_action(case, "awaiting_supplement")
    again = system.api("POST", f"/applications/{case}/submit", caller=CITIZEN)
    assert again.status == 200, again.body
    system.wait_for(case, lambda a: a.at_window_since is not None and a.status.value == "SUBMITTED")


def test_a_clerk_does_not_accept_a_case_with_written_reasons(system: System) -> None:
    case = queued(system)

    refused = decide(
        system, case, {"outcome": "not_accept", "reasons": ["场所不属于公众聚集场所，无需办理"]}
    )

    assert refused.status == 200, refused.body
    closed = system.wait_for_status(case, "NOT_ACCEPTED")
    assert closed.acceptance is not None
    assert closed.acceptance.reasons == ["场所不属于公众聚集场所，无需办理"]


def test_only_clerks_decide_and_each_outcome_carries_what_it_needs(system: System) -> None:
    case = queued(system)

    assert system.api("GET", "/window/tasks", caller=staff("FIRE")).status == 403
    assert decide(system, case, {"outcome": "accept"}, staff("FIRE")).status == 403
    bare_return = decide(system, case, {"outcome": "return"})
    bare_refusal = decide(system, case, {"outcome": "not_accept", "reasons": []})
    unknown = decide(system, case, {"outcome": "accept", "checkedOriginals": ["PASSPORT"]})

    assert bare_return.status == 422 and "missing" in bare_return.body["message"] + str(
        bare_return.body["fields"]
    )
    assert bare_refusal.status == 422
    assert unknown.status == 422 and unknown.body["fields"][0]["field"] == "checkedOriginals"
    assert system.application(case).clerk_decision is None


def test_a_fully_online_item_is_accepted_on_its_rules_without_a_clerk(system: System) -> None:
    case = submitted_case(system, FULLY_ONLINE)
    accepted = system.wait_for_status(case, "IN_APPROVAL")
    assert accepted.at_window_since is None and accepted.acceptance is not None
    assert accepted.acceptance.clerk is None


def test_nobody_deciding_in_time_accepts_the_case_by_law(system: System, monkeypatch) -> None:
    # Given the window's five working days are two seconds away
    import shared.stages.acceptance as acceptance

    monkeypatch.setattr(acceptance, "seconds_until", lambda deadline, now: 2)
    case = submitted_case(system, AT_THE_WINDOW, delivery=PICKUP)

    # When no clerk decides, the case is accepted by law and goes to its department
    accepted = system.wait_for(
        case, lambda a: a.acceptance is not None and a.acceptance.outcome == "ACCEPTED", timeout=30
    )
    assert accepted.acceptance is not None and accepted.acceptance.clerk is not None
    assert accepted.acceptance.clerk.deemed is True
    assert "deemed_accepted" in system.actions(case)


def test_a_clerk_files_for_a_walk_in_applicant_and_accepts_it_at_the_window(
    system: System,
) -> None:
    # Given an applicant at the window, for an item that is otherwise accepted online
    from tests.integration.journeys import complete_form, upload_required

    created = system.create(
        FULLY_ONLINE, form=complete_form(FULLY_ONLINE), channel="window", caller=CLERK
    )
    assert created.status == 201, created.body
    case = created.body["applicationId"]
    # When the clerk scans the materials in and submits
    upload_required(system, case, FULLY_ONLINE, caller=CLERK)
    submitted = system.api("POST", f"/applications/{case}/submit", caller=CLERK)
    assert submitted.status == 200, submitted.body

    # Then it waits at the window, for the clerk who has the originals in hand
    waiting = system.wait_for(case, lambda a: a.at_window_since is not None)
    assert waiting.channel.value == "window" and waiting.assisted_by == CLERK.username
    detail = system.api("GET", f"/window/tasks/{case}", caller=CLERK)
    assert "walk-in" in detail.body["reason"]
    # And once the clerk accepts it with the originals checked, the departments review it
    body = {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM", "ID_CARD"]}
    assert decide(system, case, body).status == 200
    accepted = system.wait_for(case, lambda a: len(a.reviews) == 3)
    assert accepted.materials["ID_CARD"].original_checked_by == CLERK.username
    assert created.body["status"] == "DRAFT"


def test_only_a_window_clerk_files_on_the_window_channel(system: System) -> None:
    for caller in (CITIZEN, staff("POWER")):
        refused = system.create(FULLY_ONLINE, channel="window", caller=caller)
        assert refused.status == 403, refused.body
        assert refused.body["fields"][0]["field"] == "channel"


def test_a_walk_in_applicant_signs_a_commitment_before_the_clerk(system: System) -> None:
    # Given a walk-in applicant whose property proof may come later (容缺)
    from tests.integration.journeys import complete_form, upload_required

    created = system.create(
        FULLY_ONLINE, form=complete_form(FULLY_ONLINE), channel="window", caller=CLERK
    )
    case = created.body["applicationId"]
    upload_required(system, case, FULLY_ONLINE, caller=CLERK, skip={"PROPERTY_PROOF"})

    # When the applicant signs the commitment at the window, on the clerk's screen
    body = {"materials": ["PROPERTY_PROOF"], "signer": "李娜", "agreed": True}
    signed = system.api("POST", f"/applications/{case}/commitment", caller=CLERK, body=body)

    # Then it is the applicant's signature, witnessed by the clerk, and the text says so
    assert signed.status == 200, signed.body
    assert (signed.body["signer"], signed.body["signedBy"]) == ("李娜", CLERK.username)
    assert signed.body["witnessedBy"] == CLERK.username
    assert "李娜本人到场，在窗口工作人员见证下签署" in signed.body["text"]
    view = system.api("GET", f"/applications/{case}", caller=CLERK).body
    assert view["commitment"]["digest"] == signed.body["digest"]
    # And once the clerk accepts it, it is reviewed with the proof to come
    assert system.api("POST", f"/applications/{case}/submit", caller=CLERK).status == 200
    system.wait_for(case, lambda a: a.at_window_since is not None)
    accept = {"outcome": "accept", "checkedOriginals": ["APPLICATION_FORM", "ID_CARD"]}
    assert decide(system, case, accept).status == 200
    accepted = system.wait_for_status(case, "IN_APPROVAL")
    assert accepted.commitment is not None and accepted.commitment.due_at is not None
