"""The workflow's stages on in-memory ports: acceptance, supplement, approval, issuance,
delivery, feedback and failure, each including the retried invocation Step Functions makes."""

import json
import re
from datetime import timedelta

import pytest

from shared.domain.workdays import add_working_days
from shared.errors import ConcurrentUpdate, Conflict, StageError, TransientError
from shared.models.application import Application, DeliveryRecord, TimelineEvent
from shared.models.common import ApplicationStatus, DeliveryMode, Stage, utc_now
from shared.models.ids import is_certificate_number, task_id_for
from shared.stages.acceptance import run_acceptance
from shared.stages.approval import open_review
from shared.stages.common import mutate
from shared.stages.delivery import deliver_result
from shared.stages.failure import describe_error, record_failure
from shared.stages.feedback import invite_rating
from shared.stages.issuance import issue_result
from shared.stages.supplement import SUPPLEMENT_TOKEN, await_supplement, expire_supplement
from tests.unit.conftest import SUPPLEMENT_WAIT_DAYS, StoredCase
from tests.unit.fakes import (
    ENTERPRISE,
    FILING,
    PERSON,
    RESIDENT_ID,
    UTILITIES,
    InMemoryDocumentStore,
    InMemoryRepository,
    catalog_item,
)

DEPARTMENTS = ["POWER", "WATER", "URBAN"]  # SD-KFQ-0010: lead, then co-departments
NO_SUCH_CASE = "01JNXSVCHCASE0000000000000"  # a well-formed ULID that names no case


def _accept(case: StoredCase, repo: InMemoryRepository, store: InMemoryDocumentStore, **kw) -> str:
    application = case(**kw)
    output = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    assert output["outcome"] == "ACCEPTED", output
    return application.application_id


def _open_all(repo: InMemoryRepository, application_id: str) -> None:
    for department in DEPARTMENTS:
        role = "lead" if department == "POWER" else "co"
        open_review(application_id, department, role, f"token-{department}", repo, repo)


def _set_reviews(
    repo: InMemoryRepository, application_id: str, outcome: dict[str, tuple[str, str]]
) -> None:
    """Departments' decisions, as the decision API would have recorded them: each on its
    own review record, with one event."""
    for department, (status, comment) in outcome.items():
        review = repo.get_task(task_id_for(application_id, department))
        assert review is not None
        review.status = status  # type: ignore[assignment]
        review.comment = comment
        review.decided_at = utc_now()
        review.decided_by = f"staff-{department.lower()}"
        event = TimelineEvent(
            stage=Stage.APPROVAL,
            action="approved" if status == "APPROVED" else "rejected",
            actor=review.decided_by,
            detail=f"{department}: {comment}".rstrip(": "),
        )
        repo.decide_review(review, [event])


def _issued(case: StoredCase, repo: InMemoryRepository, store: InMemoryDocumentStore, **kw) -> str:
    application_id = _accept(case, repo, store, **kw)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {d: ("APPROVED", "符合条件") for d in DEPARTMENTS})
    assert issue_result(application_id, repo, repo, repo, store)["outcome"] == "APPROVED"
    return application_id


def _case(repo: InMemoryRepository, application_id: str) -> Application:
    application = repo.get_application(application_id)
    assert application is not None
    return application


# --- acceptance ---------------------------------------------------------------------------


def test_acceptance_accepts_and_plans_the_parallel_review(repo, store, stored_case) -> None:
    # Given a submitted, complete application for an item with a lead and two co-departments
    application = stored_case(UTILITIES)

    # When acceptance runs
    output = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # Then the workflow is told to review in parallel: lead first, then co-departments
    assert output["outcome"] == "ACCEPTED"
    assert output["applicationId"] == application.application_id
    assert output["reviews"] == [
        {"department": "POWER", "role": "lead"},
        {"department": "WATER", "role": "co"},
        {"department": "URBAN", "role": "co"},
    ]
    assert output["reviewTimeoutSeconds"] > 0
    assert "supplementTimeoutSeconds" not in output
    # And the case is in approval, with deadlines counted in working days from acceptance
    case = _case(repo, application.application_id)
    assert case.status is ApplicationStatus.IN_APPROVAL
    record = case.acceptance
    assert record is not None and record.outcome == "ACCEPTED"
    item = catalog_item(UTILITIES)
    assert record.deadline_at == add_working_days(record.decided_at, item.promised_days)
    assert record.statutory_deadline_at == add_working_days(record.decided_at, item.statutory_days)
    assert [(a.department, a.role.value) for a in record.review_plan] == [
        ("POWER", "lead"),
        ("WATER", "co"),
        ("URBAN", "co"),
    ]
    # And the wait for the departments ends at the bound: the statutory deadline, room for
    # what may lawfully stop or extend the clock (a joint case's 15-day extension, the
    # item's 2-day inspection, one supplement mid-approval), then the margin (past the
    # deadline a review is overdue, not failed)
    assert record.statutory_deadline_at is not None
    assert case.clock is not None and case.clock.max_extension_days == 15
    assert record.review_bound_at == add_working_days(
        record.statutory_deadline_at, 15 + 2 + SUPPLEMENT_WAIT_DAYS + 20
    )
    remaining = (record.review_bound_at - utc_now()).total_seconds()
    assert abs(output["reviewTimeoutSeconds"] - remaining) < 5
    assert repo.timeline(application.application_id)[-1].stage is Stage.ACCEPTANCE


def test_every_wait_ends_within_the_execution_lifetime(repo, store, stored_case) -> None:
    # Given an execution that started almost a year ago (supplements took that long)
    application = stored_case(UTILITIES)
    started = utc_now() - timedelta(days=350)

    # When acceptance runs
    output = run_acceptance(
        application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS, 20, started
    )

    # Then the review's bound is cut to within Step Functions' one-year lifetime
    record = _case(repo, application.application_id).acceptance
    assert record is not None and record.review_bound_at is not None
    assert record.review_bound_at <= started + timedelta(days=365 - 7)
    assert output["reviewTimeoutSeconds"] <= 8 * 24 * 3600


def test_acceptance_returns_an_incomplete_case_for_supplement(repo, store, stored_case) -> None:
    # Given a submitted application without its ID card
    application = stored_case(UTILITIES, skip={"ID_CARD"})

    # When acceptance runs
    output = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # Then the workflow waits for a supplement, for the allowed working days at most
    assert output["outcome"] == "RETURNED"
    assert output["supplementTimeoutSeconds"] > 0
    assert "reviews" not in output
    case = _case(repo, application.application_id)
    assert case.status is ApplicationStatus.RETURNED
    record = case.acceptance
    assert record is not None
    assert record.supplement_due_at == add_working_days(record.decided_at, SUPPLEMENT_WAIT_DAYS)
    remaining = (record.supplement_due_at - utc_now()).total_seconds()
    assert abs(output["supplementTimeoutSeconds"] - remaining) < 5
    # And the one-time notice names the missing material, also on the timeline
    assert [m.field for m in record.missing] == ["materials.ID_CARD"]
    assert "materials.ID_CARD" in repo.timeline(application.application_id)[-1].detail


def test_acceptance_refuses_an_ineligible_applicant_with_reasons(repo, store, stored_case) -> None:
    # Given a person applying for an enterprise-only filing
    application = stored_case(FILING, applicant=PERSON, mode=DeliveryMode.ELECTRONIC)

    # When acceptance runs
    output = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # Then it is not accepted, with the reason on the case and nothing else to wait for
    assert output == {"applicationId": application.application_id, "outcome": "NOT_ACCEPTED"}
    case = _case(repo, application.application_id)
    assert case.status is ApplicationStatus.NOT_ACCEPTED
    assert case.acceptance is not None
    assert case.acceptance.reasons == ["this item is for enterprise applicants, not person"]


def test_a_retried_acceptance_answers_the_same(repo, store, stored_case) -> None:
    # Given a case acceptance already decided
    application = stored_case(UTILITIES)
    first = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    saved = _case(repo, application.application_id)

    # When Step Functions invokes acceptance again
    again = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # Then it answers the same decision and leaves the case alone
    assert again["outcome"] == first["outcome"] == "ACCEPTED"
    assert again["reviews"] == first["reviews"]
    assert abs(again["reviewTimeoutSeconds"] - first["reviewTimeoutSeconds"]) < 5
    assert _case(repo, application.application_id) == saved


def test_a_retried_return_answers_the_same(repo, store, stored_case) -> None:
    # Given a case already returned for supplement
    application = stored_case(UTILITIES, skip={"ID_CARD"})
    first = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # When acceptance is invoked again
    again = run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # Then the same wait is asked for
    assert again["outcome"] == "RETURNED"
    assert abs(again["supplementTimeoutSeconds"] - first["supplementTimeoutSeconds"]) < 5


def test_acceptance_of_a_case_that_was_never_submitted_fails(repo, store, stored_case) -> None:
    # Given a draft (never submitted, never decided)
    application = stored_case(UTILITIES, status=ApplicationStatus.DRAFT)

    # When / Then acceptance refuses it for good
    with pytest.raises(StageError, match="not SUBMITTED"):
        run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    assert _case(repo, application.application_id).status is ApplicationStatus.DRAFT


def test_acceptance_of_an_unknown_case_fails(repo, store) -> None:
    with pytest.raises(StageError, match="does not exist"):
        run_acceptance(NO_SUCH_CASE, repo, repo, SUPPLEMENT_WAIT_DAYS)


def test_acceptance_stops_when_the_case_changes_meanwhile(repo, store, stored_case) -> None:
    # Given a submitted case that fails (another writer) while acceptance decides
    application = stored_case(UTILITIES)

    def another_writer(r: InMemoryRepository) -> None:
        other = r.get_application(application.application_id)
        assert other is not None
        other.move_to(ApplicationStatus.FAILED, Stage.WORKFLOW, "system", "cancelled")
        r.save_application(other)

    repo.before_next_save.append(another_writer)

    # When acceptance saves, loses the race and reloads
    # Then it refuses to overwrite the new state
    with pytest.raises(StageError, match="changed to FAILED"):
        run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    assert _case(repo, application.application_id).status is ApplicationStatus.FAILED


# --- supplement --------------------------------------------------------------------------


def test_await_supplement_keeps_the_token_beside_the_case(repo, store, stored_case) -> None:
    # Given a returned case
    application = stored_case(UTILITIES, skip={"ID_CARD"})
    run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)

    # When the workflow parks it with a task token
    output = await_supplement(application.application_id, "supplement-token-1", repo)

    # Then the token is stored as an attribute, never in the case the API shows
    assert output == {"applicationId": application.application_id}
    assert repo.get_token(application.application_id, SUPPLEMENT_TOKEN) == "supplement-token-1"
    case = _case(repo, application.application_id)
    assert "supplement-token-1" not in case.model_dump_json()
    assert case.status is ApplicationStatus.RETURNED
    assert repo.actions(application.application_id)[-1] == "awaiting_supplement"


def test_await_supplement_refuses_a_case_that_is_not_returned(repo, store, stored_case) -> None:
    application_id = _accept(stored_case, repo, store)
    with pytest.raises(StageError, match="not RETURNED"):
        await_supplement(application_id, "supplement-token-1", repo)
    assert repo.get_token(application_id, SUPPLEMENT_TOKEN) is None


def test_an_expired_supplement_is_deemed_withdrawn(repo, store, stored_case) -> None:
    # Given a returned case waiting for its supplement
    application = stored_case(UTILITIES, skip={"ID_CARD"})
    run_acceptance(application.application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    await_supplement(application.application_id, "supplement-token-1", repo)

    # When the wait times out
    output = expire_supplement(application.application_id, repo)

    # Then the case is not accepted, deemed withdrawn, and the token is gone
    assert output == {"applicationId": application.application_id, "outcome": "NOT_ACCEPTED"}
    case = _case(repo, application.application_id)
    assert case.status is ApplicationStatus.NOT_ACCEPTED
    assert case.acceptance is not None
    assert case.acceptance.outcome == "NOT_ACCEPTED"
    assert "deemed withdrawn" in case.acceptance.reasons[0]
    assert repo.get_token(application.application_id, SUPPLEMENT_TOKEN) is None

    # And a retried expiry changes nothing more
    timeline = len(repo.timeline(application.application_id))
    expire_supplement(application.application_id, repo)
    assert len(repo.timeline(application.application_id)) == timeline
    assert _case(repo, application.application_id).status is ApplicationStatus.NOT_ACCEPTED


# --- review ------------------------------------------------------------------------------


def test_open_review_puts_a_task_in_the_department_inbox(repo, store, stored_case) -> None:
    # Given an accepted case
    application_id = _accept(stored_case, repo, store)
    deadline = _case(repo, application_id).acceptance.deadline_at  # type: ignore[union-attr]

    # When the lead department's review opens
    output = open_review(application_id, "POWER", "lead", "review-token-power", repo, repo)

    # Then a pending task, holding the token, is in the department's inbox, due at the
    # promised deadline
    task_id = task_id_for(application_id, "POWER")
    assert output == {"taskId": task_id}
    task = repo.get_task(task_id)
    assert task is not None
    assert task.status == "PENDING" and task.task_token == "review-token-power"
    assert task.due_at == deadline and task.role.value == "lead"
    inbox = repo.list_pending_tasks("POWER", 10, None)
    assert [t.task_id for t in inbox.items] == [task_id]
    assert repo.list_pending_tasks("WATER", 10, None).items == []
    # And the review is recorded on the case, without the token
    case = _case(repo, application_id)
    assert case.reviews["POWER"].status == "PENDING"
    assert case.reviews["POWER"].task_id == task_id
    assert "review-token-power" not in case.model_dump_json()


def test_a_retried_open_review_keeps_one_task_and_one_review(repo, store, stored_case) -> None:
    # Given a review already opened
    application_id = _accept(stored_case, repo, store)
    first = open_review(application_id, "WATER", "co", "review-token-1", repo, repo)

    # When the stage is invoked again (a retry, with a new token)
    again = open_review(application_id, "WATER", "co", "review-token-2", repo, repo)

    # Then there is still one task and one review, answering the latest token
    assert again == first
    assert len(repo.cases[application_id].reviews) == 1
    assert len(repo.list_pending_tasks("WATER", 10, None).items) == 1
    assert list(_case(repo, application_id).reviews) == ["WATER"]
    assert repo.get_task(first["taskId"]).task_token == "review-token-2"  # type: ignore[union-attr]


def test_parallel_reviews_all_land_on_the_case(repo, store, stored_case) -> None:
    # Given an accepted case reviewed by three departments
    application_id = _accept(stored_case, repo, store)
    version = _case(repo, application_id).version
    saves = repo.header_saves

    # When each department's review opens
    _open_all(repo, application_id)

    # Then the case lists all three, each with its role: each review is its own record, so
    # opening them in parallel never touches (nor races on) the case header
    assert (_case(repo, application_id).version, repo.header_saves) == (version, saves)
    # And the timeline is not written once per department: acceptance named the reviewers
    assert "review_opened" not in repo.actions(application_id)
    assert "POWER (lead), WATER (co), URBAN (co)" in repo.timeline(application_id)[-1].detail
    reviews = _case(repo, application_id).reviews
    assert {d: r.role.value for d, r in reviews.items()} == {
        "POWER": "lead",
        "WATER": "co",
        "URBAN": "co",
    }


def test_open_review_refuses_a_case_not_accepted(repo, store, stored_case) -> None:
    application = stored_case(UTILITIES)  # submitted, not yet accepted
    with pytest.raises(StageError, match="not been accepted"):
        open_review(application.application_id, "POWER", "lead", "token", repo, repo)
    assert repo.cases[application.application_id].reviews == {}
    assert repo.list_pending_tasks("POWER", 10, None).items == []


# --- issuance ----------------------------------------------------------------------------


def test_all_approved_issues_one_certificate(repo, store, stored_case) -> None:
    # Given a case every department approved
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {d: ("APPROVED", "符合条件") for d in DEPARTMENTS})

    # When issuance runs
    output = issue_result(application_id, repo, repo, repo, store)

    # Then one certificate is issued: a record, a PDF in S3, and the case ISSUED
    assert output == {"applicationId": application_id, "outcome": "APPROVED"}
    case = _case(repo, application_id)
    assert case.status is ApplicationStatus.ISSUED
    result = case.result
    assert result is not None and result.outcome == "APPROVED"
    assert result.certificate_no is not None and is_certificate_number(result.certificate_no)
    certificate = repo.get_certificate(result.certificate_no)
    assert certificate is not None
    assert certificate.application_id == application_id
    assert certificate.item_id == UTILITIES
    assert certificate.verification_code == result.verification_code
    assert certificate.document_key == result.document_key
    assert RESIDENT_ID not in certificate.holder and "110105" in certificate.holder
    assert store.read(result.document_key).startswith(b"%PDF")
    assert store.metadata[result.document_key]["kind"] == "certificate"
    # And the timeline shows approval, then issuance
    assert repo.actions(application_id)[-2:] == ["approved", "issued"]


def test_one_rejection_rejects_the_case_with_that_reason(repo, store, stored_case) -> None:
    # Given a case the water department rejected
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    _set_reviews(
        repo,
        application_id,
        {
            "POWER": ("APPROVED", ""),
            "WATER": ("REJECTED", "供水管网未覆盖该地址"),
            "URBAN": ("APPROVED", ""),
        },
    )

    # When issuance runs
    output = issue_result(application_id, repo, repo, repo, store)

    # Then one rejection notice carries the water department's reason, and no certificate
    assert output["outcome"] == "REJECTED"
    case = _case(repo, application_id)
    assert case.status is ApplicationStatus.REJECTED
    result = case.result
    assert result is not None
    assert len(result.reasons) == 1
    assert "供水管网未覆盖该地址" in result.reasons[0]
    assert result.certificate_no is None and repo.certificates == {}
    assert result.document_key.endswith("rejection-notice.pdf")
    assert store.read(result.document_key).startswith(b"%PDF")


def test_issuance_waits_for_every_review(repo, store, stored_case) -> None:
    # Given a case where the urban department has not decided yet
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {"POWER": ("APPROVED", ""), "WATER": ("APPROVED", "")})

    # When / Then issuance refuses, naming the department
    with pytest.raises(StageError, match="URBAN"):
        issue_result(application_id, repo, repo, repo, store)
    assert _case(repo, application_id).result is None
    assert store.objects == {k: v for k, v in store.objects.items() if k.startswith("uploads/")}


def test_a_retried_issuance_keeps_the_first_result(repo, store, stored_case) -> None:
    # Given an issued case
    application_id = _issued(stored_case, repo, store)
    result = _case(repo, application_id).result

    # When issuance is invoked again
    again = issue_result(application_id, repo, repo, repo, store)

    # Then the same result stands: one certificate, same number
    assert again == {"applicationId": application_id, "outcome": "APPROVED"}
    assert _case(repo, application_id).result == result
    assert len(repo.certificates) == 1


class _FailsOnce:
    """Makes one port call do its work and then raise, as a call that timed out after it
    took effect would (the worst case for a retry)."""

    def __init__(self, target: object, method: str, monkeypatch: pytest.MonkeyPatch) -> None:
        original = getattr(target, method)
        self.calls = 0

        def flaky(*args: object, **kwargs: object) -> object:
            self.calls += 1
            result = original(*args, **kwargs)
            if self.calls == 1:
                raise TransientError(f"{method} timed out")
            return result

        monkeypatch.setattr(target, method, flaky)


_ISSUANCE_STEPS = ["plan_result", "put_pdf", "put_certificate", "save_application"]


@pytest.mark.parametrize(
    ("outcome", "failing_step"),
    [("APPROVED", step) for step in _ISSUANCE_STEPS]
    + [("REJECTED", step) for step in _ISSUANCE_STEPS if step != "put_certificate"],
)
def test_a_retried_issuance_issues_exactly_once_whatever_step_failed(
    repo, store, stored_case, monkeypatch, failing_step, outcome
) -> None:
    # Given a decided case, and one step of issuance that fails after taking effect
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    water = ("APPROVED", "") if outcome == "APPROVED" else ("REJECTED", "管网未覆盖")
    _set_reviews(
        repo, application_id, {"POWER": ("APPROVED", ""), "WATER": water, "URBAN": ("APPROVED", "")}
    )
    _FailsOnce(store if failing_step == "put_pdf" else repo, failing_step, monkeypatch)

    # When the first attempt fails and Step Functions retries
    with pytest.raises(TransientError):
        issue_result(application_id, repo, repo, repo, store)
    issue_result(application_id, repo, repo, repo, store)

    # Then there is one result, one document and (if approved) one certificate
    case = _case(repo, application_id)
    assert case.result is not None and case.result.outcome == outcome
    documents = [k for k in store.objects if k.startswith("documents/")]
    assert documents == [case.result.document_key]
    assert len(repo.certificates) == (1 if outcome == "APPROVED" else 0)
    if outcome == "APPROVED":
        assert case.result.certificate_no in repo.certificates
        assert repo.certificates[case.result.certificate_no].verification_code == (
            case.result.verification_code
        )
    assert repo.actions(application_id).count(
        "issued" if outcome == "APPROVED" else "rejected"
    ) == (
        1 if outcome == "APPROVED" else 2  # the department's rejection, then the case's
    )


def test_issuance_writes_the_document_once_when_a_retry_finds_it(
    repo, store, stored_case, monkeypatch
) -> None:
    # Given an issuance whose certificate record failed after the PDF was written
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {d: ("APPROVED", "") for d in DEPARTMENTS})
    writes: list[str] = []
    original = store.put_pdf
    monkeypatch.setattr(store, "put_pdf", lambda k, b, m: (writes.append(k), original(k, b, m)))
    monkeypatch.setattr(
        repo, "put_certificate", lambda c: (_ for _ in ()).throw(TransientError("throttled"))
    )
    with pytest.raises(TransientError):
        issue_result(application_id, repo, repo, repo, store)
    monkeypatch.undo()
    monkeypatch.setattr(store, "put_pdf", lambda k, b, m: (writes.append(k), original(k, b, m)))

    # When it is retried
    issue_result(application_id, repo, repo, repo, store)

    # Then the PDF was written once (a versioned bucket keeps no second copy)
    assert len(writes) == 1


def test_issuance_follows_the_review_plan_not_the_live_catalog(repo, store, stored_case) -> None:
    # Given a case accepted and decided by its planned departments
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {d: ("APPROVED", "") for d in DEPARTMENTS})
    # And a co-department added to the item afterwards (a new catalog version)
    current = repo.get_catalog_item(UTILITIES)
    assert current is not None
    changed = current.model_copy(
        update={"version": current.version + 1, "co_departments": [*current.co_departments, "FIRE"]}
    )
    repo.put_item_version(changed, "digest-with-fire")

    # When issuance runs
    output = issue_result(application_id, repo, repo, repo, store)

    # Then the case is issued: FIRE was not in its plan
    assert output["outcome"] == "APPROVED"
    assert _case(repo, application_id).status is ApplicationStatus.ISSUED


# --- delivery ----------------------------------------------------------------------------


def test_mail_delivery_books_a_waybill(repo, store, stored_case, courier) -> None:
    # Given an issued case to be delivered by mail
    application_id = _issued(stored_case, repo, store, mode=DeliveryMode.MAIL)

    # When delivery runs
    output = deliver_result(application_id, repo, courier, 30)

    # Then the courier ships the result document to the applicant's address
    assert output == {"applicationId": application_id, "mode": "mail"}
    [shipment] = courier.shipments
    case = _case(repo, application_id)
    assert case.result is not None
    assert shipment.document_key == case.result.document_key
    assert shipment.recipient == "张伟" and shipment.postal_code == "264006"
    assert shipment.address_line == "山东省烟台市经济技术开发区长江路100号"
    # And the waybill is on the case
    record = case.delivery_record
    assert record is not None
    assert record.courier == "fake-express" and record.waybill_no == "FX0000000001"
    assert case.status is ApplicationStatus.DELIVERED
    assert "FX0000000001" in repo.timeline(application_id)[-1].detail


def test_pickup_delivery_gives_a_six_digit_code(repo, store, stored_case, courier) -> None:
    application_id = _issued(stored_case, repo, store, mode=DeliveryMode.PICKUP)

    deliver_result(application_id, repo, courier, 30)

    record = _case(repo, application_id).delivery_record
    assert record is not None and record.pickup_code is not None
    assert re.fullmatch(r"\d{6}", record.pickup_code)
    assert courier.shipments == []


def test_electronic_delivery_expires(repo, store, stored_case, courier) -> None:
    application_id = _issued(stored_case, repo, store, mode=DeliveryMode.ELECTRONIC)

    deliver_result(application_id, repo, courier, 30)

    record = _case(repo, application_id).delivery_record
    assert record is not None and record.download_expires_at is not None
    expected = record.delivered_at + timedelta(days=30)
    assert record.download_expires_at == expected
    assert record.download_expires_at - utc_now() > timedelta(days=29)


def test_an_unavailable_courier_is_retried_later(repo, store, stored_case, courier) -> None:
    # Given an issued case for mail and a courier that is down
    application_id = _issued(stored_case, repo, store, mode=DeliveryMode.MAIL)
    courier.unavailable = True

    # When / Then delivery fails with a retryable error and the case is not delivered
    with pytest.raises(TransientError, match="courier unavailable"):
        deliver_result(application_id, repo, courier, 30)
    case = _case(repo, application_id)
    assert case.status is ApplicationStatus.ISSUED and case.delivery_record is None


def test_a_retried_delivery_books_no_second_parcel(repo, store, stored_case, courier) -> None:
    application_id = _issued(stored_case, repo, store, mode=DeliveryMode.MAIL)
    deliver_result(application_id, repo, courier, 30)

    again = deliver_result(application_id, repo, courier, 30)

    assert again == {"applicationId": application_id, "mode": "mail"}
    assert len(courier.shipments) == 1


def test_a_rejection_is_delivered_too(repo, store, stored_case, courier) -> None:
    application_id = _accept(stored_case, repo, store, applicant=ENTERPRISE)
    _open_all(repo, application_id)
    _set_reviews(repo, application_id, {d: ("REJECTED", "不符合条件") for d in DEPARTMENTS})
    issue_result(application_id, repo, repo, repo, store)

    deliver_result(application_id, repo, courier, 30)

    assert _case(repo, application_id).status is ApplicationStatus.DELIVERED


def test_a_case_without_a_result_cannot_be_delivered(repo, store, stored_case, courier) -> None:
    application_id = _accept(stored_case, repo, store)
    with pytest.raises(StageError, match="no result"):
        deliver_result(application_id, repo, courier, 30)


# --- feedback and failure ----------------------------------------------------------------


def test_invite_rating_concludes_the_case(repo, store, stored_case, courier) -> None:
    # Given a delivered case
    application_id = _issued(stored_case, repo, store)
    deliver_result(application_id, repo, courier, 30)

    # When the feedback stage runs, twice (a retry)
    output = invite_rating(application_id, repo)
    invite_rating(application_id, repo)

    # Then the case is completed and the applicant invited to rate, once
    assert output == {"applicationId": application_id, "status": "COMPLETED"}
    case = _case(repo, application_id)
    assert case.status is ApplicationStatus.COMPLETED
    assert repo.actions(application_id).count("rating_invited") == 1


def _lambda_error(message: str) -> dict[str, str]:
    cause = {
        "errorMessage": message,
        "errorType": "StageError",
        "requestId": "5a4f3c1e-0000-4000-8000-000000000000",
        "stackTrace": ['  File "/var/task/shared/stages/issuance.py", line 37, in issue_result\n'],
    }
    return {"Error": "StageError", "Cause": json.dumps(cause)}


def test_record_failure_keeps_the_reason_without_the_stack_trace(repo, store, stored_case) -> None:
    # Given an accepted case whose issuance failed for good
    application_id = _accept(stored_case, repo, store)
    error = _lambda_error("reviews still pending for URBAN")

    # When the workflow's Catch records the failure
    output = record_failure(application_id, error, repo, repo)

    # Then the case is FAILED with the error type and message only
    assert output == {"applicationId": application_id, "status": "FAILED"}
    case = _case(repo, application_id)
    assert case.status is ApplicationStatus.FAILED
    assert case.failure_reason == "StageError: reviews still pending for URBAN"
    assert repo.timeline(application_id)[-1].detail == case.failure_reason
    assert "/var/task" not in case.model_dump_json()
    assert "stackTrace" not in case.model_dump_json()


def test_record_failure_withdraws_pending_reviews_from_the_inboxes(
    repo, store, stored_case
) -> None:
    # Given a case whose review wait timed out while every department's task was pending
    application_id = _accept(stored_case, repo, store)
    _open_all(repo, application_id)

    # When the workflow records the failure
    record_failure(application_id, {"Error": "States.Timeout"}, repo, repo)

    # Then no inbox holds its tasks any more, and the case shows the reviews as expired
    for department in DEPARTMENTS:
        assert repo.list_pending_tasks(department, 10, None).items == []
        task = repo.get_task(task_id_for(application_id, department))
        assert task is not None and task.status == "EXPIRED"
    assert {r.status for r in _case(repo, application_id).reviews.values()} == {"EXPIRED"}


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (None, "unknown error"),
        ({}, "unknown error"),
        ({"Error": "States.Timeout"}, "States.Timeout"),
        ({"Error": "States.Timeout", "Cause": "Task timed out"}, "States.Timeout: Task timed out"),
        (
            {"Error": "Lambda.Unknown", "Cause": json.dumps("out of memory")},
            "Lambda.Unknown: out of memory",
        ),
    ],
)
def test_describe_error_handles_every_shape(error, reason) -> None:
    assert describe_error(error) == reason


def test_describe_error_is_bounded() -> None:
    assert len(describe_error(_lambda_error("x" * 5000))) == 500


# --- mutate ------------------------------------------------------------------------------


def test_mutate_reapplies_a_change_after_a_concurrent_save(repo, stored_case) -> None:
    # Given a case whose header another writer saves first (e.g. an attempt of the same
    # stage that Step Functions retried while this one still ran)
    application = stored_case(UTILITIES)

    def another_writer(r: InMemoryRepository) -> None:
        other = r.get_application(application.application_id)
        assert other is not None
        other.record(Stage.WORKFLOW, "noted", "system", "the other writer")
        r.save_application(other)

    repo.before_next_save.append(another_writer)
    calls = []

    def change(case: Application) -> str:
        calls.append(case.version)
        case.record(Stage.WORKFLOW, "noted", "system", "this stage")
        return "done"

    # When this stage's change is saved
    saved, result = mutate(repo, application.application_id, change)

    # Then the lost race is retried on the fresh case: both changes survive, each once
    assert result == "done"
    assert calls == [1, 2]
    assert saved.version == 3
    details = [e.detail for e in repo.timeline(application.application_id)]
    assert details[-2:] == ["the other writer", "this stage"]


def test_mutate_writes_the_child_records_the_change_set(repo, stored_case, monkeypatch) -> None:
    # Given a stored case with its materials, and a spy on what each header save writes
    application = stored_case(UTILITIES, mode=DeliveryMode.PICKUP)
    written: list[list[object]] = []
    save = repo.save_application

    def spy(case: Application, **kwargs: object) -> None:
        written.append(list(kwargs.get("records", ())))  # type: ignore[call-overload]
        save(case, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "save_application", spy)
    record = DeliveryRecord(mode=DeliveryMode.PICKUP, delivered_at=utc_now(), pickup_code="123456")

    # When a change sets the delivery record (and leaves the materials as they were)
    mutate(repo, application.application_id, lambda case: setattr(case, "delivery_record", record))

    # Then that record, and only that one, is written with the header
    assert written == [[record]]
    assert repo.cases[application.application_id].delivery_record == record
    assert _case(repo, application.application_id).materials == application.materials


def test_mutate_gives_up_with_a_transient_error(repo, stored_case) -> None:
    # Given a case that keeps being changed by others
    application = stored_case(UTILITIES)

    def concurrent_update(_: InMemoryRepository) -> None:
        raise ConcurrentUpdate("the application was changed concurrently; retry")

    repo.before_next_save.extend([concurrent_update] * 5)

    # When / Then the stage gives up for now, and Step Functions retries it
    with pytest.raises(TransientError, match="kept changing"):
        mutate(repo, application.application_id, lambda case: None)
    assert _case(repo, application.application_id).version == 1


def test_mutate_does_not_retry_any_other_conflict(repo, stored_case) -> None:
    # Given a save refused for a reason other than a lost optimistic lock
    application = stored_case(UTILITIES)

    def refused(_: InMemoryRepository) -> None:
        raise Conflict("certificate number taken")

    repo.before_next_save.append(refused)
    calls: list[Application] = []

    # When / Then the refusal surfaces at once: the change is not reapplied
    with pytest.raises(Conflict, match="certificate number taken") as raised:
        mutate(repo, application.application_id, calls.append)
    assert not isinstance(raised.value, ConcurrentUpdate)
    assert len(calls) == 1
    assert _case(repo, application.application_id).version == 1


def test_mutate_of_a_missing_case_is_a_stage_error(repo) -> None:
    with pytest.raises(StageError):
        mutate(repo, NO_SUCH_CASE, lambda case: None)


# --- 容缺: the commitment wait ----------------------------------------------------------------


def _on_commitment(repo, stored_case, *, fulfilled: bool) -> str:
    from shared.models.application import Commitment

    application = stored_case(UTILITIES, status=ApplicationStatus.IN_APPROVAL)

    def commit(case: Application) -> None:
        case.commitment = Commitment(
            materials=["PROPERTY_PROOF"],
            text="承诺",
            signer="李娜",
            signed_by="zhangwei",
            signed_at=utc_now(),
            due_days=20,
            digest="0" * 64,
            due_at=utc_now() + timedelta(days=20),
            fulfilled_at=utc_now() if fulfilled else None,
        )

    mutate(repo, application.application_id, commit)
    return application.application_id


def test_the_commitment_wait_keeps_its_token_while_the_materials_are_missing(
    repo, stored_case
) -> None:
    from shared.stages.supplement import COMMITMENT_TOKEN, await_commitment

    case = _on_commitment(repo, stored_case, fulfilled=False)

    output = await_commitment(case, "commitment-token", repo)

    assert output == {"applicationId": case, "fulfilled": False}
    assert repo.get_token(case, COMMITMENT_TOKEN) == "commitment-token"
    assert "awaiting_commitment" in [e.action for e in repo.timeline(case)]


def test_the_commitment_wait_says_so_when_the_materials_came_just_before_it(
    repo, stored_case
) -> None:
    # The applicant's submission found no token to answer; the wait must answer its own
    from shared.stages.supplement import await_commitment

    case = _on_commitment(repo, stored_case, fulfilled=True)

    assert await_commitment(case, "commitment-token", repo)["fulfilled"] is True
