"""The API's use cases on in-memory ports: filing, uploads, submission and supplement,
results, ratings, and the departments' inbox and decisions."""

from datetime import timedelta
from typing import Any

import pytest
from ulid import ULID

from shared.domain.workdays import add_working_days
from shared.errors import (
    Conflict,
    DependencyUnavailable,
    Forbidden,
    NotFound,
    TransientError,
    ValidationFailed,
)
from shared.identity import Caller
from shared.models.api import (
    CreateApplicationRequest,
    DecisionRequest,
    FeedbackRequest,
    MaterialUploadRequest,
)
from shared.models.application import Application
from shared.models.common import ApplicationStatus, DeliveryMode, Stage, utc_now
from shared.models.ids import task_id_for
from shared.ports.documents import StoredObject
from shared.services import applications as service
from shared.services import tasks
from shared.stages.acceptance import run_acceptance
from shared.stages.approval import open_review
from shared.stages.delivery import deliver_result
from shared.stages.issuance import issue_result
from shared.stages.supplement import SUPPLEMENT_TOKEN
from tests.unit.conftest import SUPPLEMENT_WAIT_DAYS, StoredCase
from tests.unit.fakes import (
    ADDRESS,
    CITIZEN,
    ENTERPRISE,
    FILING,
    OTHER_CITIZEN,
    PERSON,
    UTILITIES,
    InMemoryDocumentStore,
    InMemoryRepository,
    RecordingCourier,
    catalog_item,
    complete_form,
    staff,
)

UPLOAD_TTL = 900


def _create_request(item_id: str = UTILITIES, **overrides: Any) -> CreateApplicationRequest:
    body: dict[str, Any] = {
        "itemId": item_id,
        "applicant": PERSON,
        "form": complete_form(catalog_item(item_id)),
        "channel": "web",
        "delivery": {"mode": "mail", "address": ADDRESS},
    }
    body.update(overrides)
    return CreateApplicationRequest.model_validate(body)


def _upload_request(code: str = "ID_CARD", **overrides: Any) -> MaterialUploadRequest:
    body: dict[str, Any] = {
        "materialCode": code,
        "fileName": "id-card.pdf",
        "contentType": "application/pdf",
        "size": 120_000,
    }
    body.update(overrides)
    return MaterialUploadRequest.model_validate(body)


def _case(repo: InMemoryRepository, application_id: str) -> Application:
    application = repo.get_application(application_id)
    assert application is not None
    return application


def _move(repo: InMemoryRepository, application_id: str, *chain: ApplicationStatus) -> None:
    """Moves the stored case through `chain`, each step one the status table allows."""
    application = _case(repo, application_id)
    for status in chain:
        application.move_to(status, Stage.WORKFLOW, "system")
    repo.save_application(application)


_TO_COMPLETED = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_APPROVAL,
    ApplicationStatus.APPROVED,
    ApplicationStatus.ISSUED,
    ApplicationStatus.DELIVERED,
    ApplicationStatus.COMPLETED,
)


# --- create ------------------------------------------------------------------------------


def test_create_files_a_draft_owned_by_the_caller(repo) -> None:
    # Given a citizen with a complete request
    request = _create_request()

    # When the application is created
    application = service.create_application(CITIZEN, request, repo, repo)

    # Then a draft with a ULID id is stored for that citizen, its creation on the timeline
    assert str(ULID.from_str(application.application_id)) == application.application_id
    stored = _case(repo, application.application_id)
    assert stored == application
    assert stored.owner_id == CITIZEN.sub
    assert stored.status is ApplicationStatus.DRAFT and stored.version == 1
    assert stored.assisted_by is None
    assert [(e.action, e.actor) for e in repo.timeline(application.application_id)] == [
        ("created", CITIZEN.username)
    ]


def test_create_for_an_unknown_item_is_not_found(repo) -> None:
    with pytest.raises(NotFound) as raised:
        service.create_application(CITIZEN, _create_request(itemId="SD-KFQ-9999"), repo, repo)
    assert raised.value.field == "itemId"
    assert raised.value.status_code == 404
    assert repo.cases == {}


def test_create_with_a_delivery_mode_not_offered_fails(repo) -> None:
    # Given an electronic-only filing asked to be mailed
    request = _create_request(FILING, applicant=ENTERPRISE)

    # When / Then creation is refused, naming the field and the modes offered
    with pytest.raises(ValidationFailed, match="electronic") as raised:
        service.create_application(CITIZEN, request, repo, repo)
    assert raised.value.field == "delivery.mode"
    assert repo.cases == {}


def test_a_citizen_cannot_file_on_the_assisted_channel(repo) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.create_application(CITIZEN, _create_request(channel="assisted"), repo, repo)
    assert raised.value.field == "channel"
    assert repo.cases == {}


@pytest.mark.parametrize(
    "caller",
    [
        staff("ECOENV"),
        Caller(sub="sub-followup", username="followup-zhao", groups=frozenset({"followup"})),
        Caller(sub="sub-ops", username="ops-qian", groups=frozenset({"ops"})),
        # Signed up in Cognito, not yet put in any group by ops: not an applicant yet
        Caller(sub="sub-new", username="new-user", groups=frozenset()),
    ],
    ids=["department", "followup", "ops", "no-group"],
)
@pytest.mark.parametrize("channel", ["web", "mobile"])
def test_only_applicants_file_for_themselves(repo, caller: Caller, channel: str) -> None:
    # When an account that is not in the citizen group files on its own behalf
    with pytest.raises(Forbidden) as raised:
        service.create_application(caller, _create_request(channel=channel), repo, repo)

    # Then it is a 403 naming the channel, and nothing is filed
    assert raised.value.status_code == 403 and raised.value.field == "channel"
    assert repo.cases == {}


@pytest.mark.parametrize("channel", ["web", "mobile"])
def test_a_citizen_files_on_the_web_and_mobile_channels(repo, channel: str) -> None:
    application = service.create_application(CITIZEN, _create_request(channel=channel), repo, repo)
    assert application.owner_id == CITIZEN.sub and application.channel.value == channel


@pytest.mark.parametrize(
    "caller",
    [
        staff("ADMIN"),
        Caller(sub="sub-ops", username="ops-qian", groups=frozenset({"ops"})),
        Caller(sub="sub-followup", username="followup-zhao", groups=frozenset({"followup"})),
        Caller(sub="sub-x", username="x", groups=frozenset()),
    ],
    ids=["department", "ops", "followup", "no-group"],
)
@pytest.mark.parametrize("channel", ["agent", "remote_assisted"])
def test_the_agent_channels_stay_with_service_agents(repo, caller: Caller, channel: str) -> None:
    with pytest.raises(Forbidden) as raised:
        service.create_application(caller, _create_request(channel=channel), repo, repo)
    assert raised.value.field == "channel"
    assert repo.cases == {}


def test_nobody_files_on_the_retired_assisted_channel(repo) -> None:
    agent = Caller(sub="sub-agent", username="agent-wang", groups=frozenset({"agent"}))
    with pytest.raises(ValidationFailed) as raised:
        service.create_application(agent, _create_request(channel="assisted"), repo, repo)
    assert raised.value.field == "channel" and "remote_assisted" in raised.value.message


@pytest.mark.parametrize("channel", ["agent", "remote_assisted"])
def test_a_service_agent_files_for_an_applicant(repo, channel: str) -> None:
    # Given a service agent (帮办代办)
    agent = Caller(sub="sub-agent", username="agent-wang", groups=frozenset({"agent"}))

    # When the agent files for the applicant
    application = service.create_application(agent, _create_request(channel=channel), repo, repo)

    # Then the case records who filed and keeps the agent's account to act on it
    assert application.channel.value == channel
    assert application.assisted_by == "agent-wang" and application.agent_sub == "sub-agent"
    stored = _case(repo, application.application_id)
    assert stored.agent_sub == "sub-agent" and stored.confirmation is None


def test_create_refuses_form_fields_the_item_does_not_have(repo) -> None:
    form = {**complete_form(catalog_item(UTILITIES)), "favouriteColour": "blue"}
    with pytest.raises(ValidationFailed, match="favouriteColour") as raised:
        service.create_application(CITIZEN, _create_request(form=form), repo, repo)
    assert [name for name, _ in raised.value.fields] == ["form.favouriteColour"]
    assert repo.cases == {}


# --- material uploads --------------------------------------------------------------------


@pytest.fixture
def draft(repo: InMemoryRepository) -> Application:
    return service.create_application(CITIZEN, _create_request(), repo, repo)


def test_an_upload_is_presigned_for_one_key_type_and_size(repo, store, draft) -> None:
    # When the applicant asks to upload the ID card
    before = utc_now()
    response = service.request_material_upload(
        CITIZEN, draft.application_id, _upload_request(), repo, repo, store, UPLOAD_TTL
    )

    # Then S3 is asked for a POST limited to that key, type and exactly the declared
    # size (120,000 bytes), not the rule's far larger cap
    key = f"uploads/{draft.application_id}/ID_CARD/id-card.pdf"
    assert response.key == key
    rule = catalog_item(UTILITIES).material("ID_CARD")
    assert rule is not None and rule.max_size_bytes > 120_000
    assert response.max_size == 120_000
    [presigned] = store.upload_requests
    assert (presigned.key, presigned.content_type, presigned.ttl) == (
        key,
        "application/pdf",
        UPLOAD_TTL,
    )
    assert presigned.max_size == 120_000
    assert response.fields["key"] == key
    assert before + timedelta(seconds=UPLOAD_TTL) <= response.expires_at
    # And the case remembers what was declared, for acceptance to check
    record = _case(repo, draft.application_id).materials["ID_CARD"]
    assert (record.s3_key, record.declared_size, record.verified_size) == (key, 120_000, None)


@pytest.mark.parametrize(
    ("file_name", "safe_name"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("..", "file"),
        ("/absolute/path.pdf", "absolute_path.pdf"),
        ("..\\..\\windows\\system.ini", "windows_system.ini"),
        ("身份证 正面.jpg", "身份证_正面.jpg"),
    ],
)
def test_upload_keys_cannot_escape_the_case_prefix(
    repo, store, draft, file_name, safe_name
) -> None:
    # When the file name tries to climb out of the case's prefix
    response = service.request_material_upload(
        CITIZEN,
        draft.application_id,
        _upload_request(fileName=file_name),
        repo,
        repo,
        store,
        UPLOAD_TTL,
    )

    # Then the key stays uploads/<id>/<code>/<one safe segment>
    assert response.key == f"uploads/{draft.application_id}/ID_CARD/{safe_name}"
    assert ".." not in response.key.split("/")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"materialCode": "DIPLOMA"}, "materialCode"),
        ({"materialCode": "TAX_REGISTRATION"}, "materialCode"),  # taken from shared data
        ({"contentType": "application/zip"}, "contentType"),
        ({"size": 5 * 1024 * 1024 + 1}, "size"),
    ],
)
def test_an_upload_outside_the_material_rules_is_refused(
    repo, store, draft, overrides, field
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.request_material_upload(
            CITIZEN,
            draft.application_id,
            _upload_request(**overrides),
            repo,
            repo,
            store,
            UPLOAD_TTL,
        )
    assert raised.value.field == field
    assert store.upload_requests == []
    assert _case(repo, draft.application_id).materials == {}


def test_another_persons_case_is_reported_absent(repo, store, draft) -> None:
    with pytest.raises(NotFound):
        service.request_material_upload(
            OTHER_CITIZEN, draft.application_id, _upload_request(), repo, repo, store, UPLOAD_TTL
        )
    with pytest.raises(NotFound):
        service.get_own_application(CITIZEN, "../../etc/passwd", repo)


def test_materials_are_frozen_once_submitted(repo, store, workflow, draft) -> None:
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    with pytest.raises(Conflict) as raised:
        service.request_material_upload(
            CITIZEN, draft.application_id, _upload_request(), repo, repo, store, UPLOAD_TTL
        )
    assert raised.value.field == "status"


# --- submit and resubmit ------------------------------------------------------------------


def test_submitting_a_draft_starts_the_workflow_once(repo, store, workflow, draft) -> None:
    # When the applicant submits the draft
    submitted = service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the case is SUBMITTED and its workflow started
    assert submitted.status is ApplicationStatus.SUBMITTED
    assert submitted.submission_count == 1
    assert workflow.started == [draft.application_id]
    assert _case(repo, draft.application_id).status is ApplicationStatus.SUBMITTED

    # And submitting again is refused without a second start
    with pytest.raises(Conflict):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert workflow.started == [draft.application_id]


def test_submitting_records_what_s3_holds_for_each_material(repo, store, workflow, draft) -> None:
    # Given two declared materials: the ID card uploaded, the licence never
    id_card = service.request_material_upload(
        CITIZEN, draft.application_id, _upload_request(), repo, repo, store, UPLOAD_TTL
    )
    licence = service.request_material_upload(
        CITIZEN,
        draft.application_id,
        _upload_request("BUSINESS_LICENCE", fileName="licence.pdf"),
        repo,
        repo,
        store,
        UPLOAD_TTL,
    )
    store.upload(id_card.key, 3000, "application/pdf")

    # When the applicant submits
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the case notes, for acceptance, what S3 held under each key at that moment
    materials = _case(repo, draft.application_id).materials
    found, absent = materials["ID_CARD"], materials["BUSINESS_LICENCE"]
    assert (found.s3_key, found.verified_size, found.verified_content_type) == (
        id_card.key,
        3000,
        "application/pdf",
    )
    assert found.verified_at is not None
    assert absent.s3_key == licence.key
    assert (absent.verified_size, absent.verified_content_type, absent.verified_at) == (
        None,
        None,
        None,
    )


def test_resubmitting_records_the_supplemented_upload(repo, store, workflow, draft) -> None:
    # Given a case returned because its ID card was never uploaded
    upload = service.request_material_upload(
        CITIZEN, draft.application_id, _upload_request(), repo, repo, store, UPLOAD_TTL
    )
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert _case(repo, draft.application_id).materials["ID_CARD"].verified_size is None
    _returned(repo, draft.application_id, "supplement-token-1")

    # When the applicant uploads it and resubmits
    store.upload(upload.key, 4096, "application/pdf")
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the resubmitted case carries the upload S3 now holds
    assert _case(repo, draft.application_id).materials["ID_CARD"].verified_size == 4096


def test_a_submit_whose_workflow_already_exists_is_fine(repo, store, workflow, draft) -> None:
    workflow.started.append(draft.application_id)  # started by an earlier, lost response
    submitted = service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert submitted.status is ApplicationStatus.SUBMITTED


def test_a_submit_that_cannot_start_returns_to_draft(repo, store, workflow, draft) -> None:
    # Given Step Functions is throttling
    workflow.start_error = TransientError("ThrottlingException")

    # When the applicant submits, the error surfaces and the case is a draft again
    with pytest.raises(TransientError):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert _case(repo, draft.application_id).status is ApplicationStatus.DRAFT

    # And a second try goes through
    workflow.start_error = None
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert workflow.started == [draft.application_id]


def _returned(repo: InMemoryRepository, application_id: str, token: str | None) -> None:
    application = _case(repo, application_id)
    application.move_to(ApplicationStatus.RETURNED, Stage.ACCEPTANCE, "system")
    repo.save_application(application, tokens={SUPPLEMENT_TOKEN: token} if token else None)


def test_resubmitting_a_returned_case_answers_the_stored_token(
    repo, store, workflow, draft
) -> None:
    # Given a case returned for supplement, its workflow waiting on a token
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    _returned(repo, draft.application_id, "supplement-token-1")

    # When the applicant resubmits
    resubmitted = service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the waiting workflow is answered, not started again, and the token cleared
    assert workflow.answers == [("supplement-token-1", {"applicationId": draft.application_id})]
    assert workflow.started == [draft.application_id]
    assert repo.get_token(draft.application_id, SUPPLEMENT_TOKEN) is None
    assert resubmitted.submission_count == 2
    stored = _case(repo, draft.application_id)
    assert stored.status is ApplicationStatus.SUBMITTED
    assert repo.timeline(draft.application_id)[-1].detail == "supplemented"


def test_resubmitting_before_the_workflow_waits_is_a_conflict(repo, store, workflow, draft) -> None:
    # Given a case returned, but the supplement wait has not stored its token yet
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    _returned(repo, draft.application_id, None)

    # When / Then the resubmission is refused for now, and the case stays returned
    with pytest.raises(Conflict, match="try again"):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert _case(repo, draft.application_id).status is ApplicationStatus.RETURNED
    assert workflow.answers == []


def test_a_resubmission_the_workflow_did_not_hear_can_be_repeated(
    repo, store, workflow, draft
) -> None:
    # Given a returned case, and Step Functions failing once to take the answer
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    _returned(repo, draft.application_id, "supplement-token-1")
    workflow.succeed_error = TransientError("ThrottlingException")

    # When the resubmission fails
    with pytest.raises(TransientError):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the applicant can resubmit, and the waiting workflow is answered
    workflow.succeed_error = None
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    assert workflow.answers == [("supplement-token-1", {"applicationId": draft.application_id})]


def test_a_resubmission_after_the_wait_ended_goes_back_to_returned(
    repo, store, workflow, draft
) -> None:
    # Given a returned case whose supplement wait has timed out in Step Functions
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    _returned(repo, draft.application_id, "supplement-token-1")
    workflow.expired_tokens.add("supplement-token-1")

    # When the applicant resubmits
    with pytest.raises(Conflict) as raised:
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then it is a 409 naming the status, and the case is not left SUBMITTED with no
    # execution waiting: it is RETURNED again, its dead token gone
    assert raised.value.status_code == 409 and raised.value.field == "status"
    stored = _case(repo, draft.application_id)
    assert stored.status is ApplicationStatus.RETURNED
    assert repo.get_token(draft.application_id, SUPPLEMENT_TOKEN) is None
    assert repo.timeline(draft.application_id)[-1].detail.startswith("the time to supplement")
    assert workflow.answers == []


class UnavailableStore(InMemoryDocumentStore):
    """S3 answering the first `answers` HeadObjects, then failing (a bucket deleted, an
    outage): what the real adapter raises as DependencyUnavailable."""

    def __init__(self, answers: int = 0) -> None:
        super().__init__()
        self.answers = answers

    def head(self, key: str) -> StoredObject | None:
        if self.answers <= 0:
            raise DependencyUnavailable("bucket onewindow-documents does not exist")
        self.answers -= 1
        return super().head(key)


def _declare_two(repo: InMemoryRepository, store: InMemoryDocumentStore, draft: Application):
    for code, name in (("ID_CARD", "id-card.pdf"), ("BUSINESS_LICENCE", "licence.pdf")):
        grant = service.request_material_upload(
            CITIZEN,
            draft.application_id,
            _upload_request(code, fileName=name),
            repo,
            repo,
            store,
            UPLOAD_TTL,
        )
        store.upload(grant.key, 120_000)


@pytest.mark.parametrize("answers", [0, 1], ids=["first-head", "second-head"])
def test_a_submit_s3_cannot_answer_changes_nothing(repo, workflow, draft, answers: int) -> None:
    # Given a draft with two uploaded materials, and S3 failing on a HeadObject
    store = UnavailableStore(answers)
    _declare_two(repo, store, draft)
    before = _case(repo, draft.application_id)
    events_before = len(repo.timeline(draft.application_id))

    # When the applicant submits
    with pytest.raises(TransientError):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then nothing changed: the header, the materials' records, the timeline, no workflow
    after = _case(repo, draft.application_id)
    assert after.status is ApplicationStatus.DRAFT and after.version == before.version
    assert after.materials == before.materials
    assert all(m.verified_at is None for m in after.materials.values())
    assert len(repo.timeline(draft.application_id)) == events_before
    assert workflow.started == []


def test_a_resubmission_s3_cannot_answer_changes_nothing(repo, workflow, draft) -> None:
    # Given a returned case waiting for its supplement, and S3 down at resubmission
    store = UnavailableStore(answers=2)
    _declare_two(repo, store, draft)
    service.submit(CITIZEN, draft.application_id, repo, store, workflow)
    _returned(repo, draft.application_id, "supplement-token-1")
    before = _case(repo, draft.application_id)

    # When the applicant resubmits
    with pytest.raises(DependencyUnavailable):
        service.submit(CITIZEN, draft.application_id, repo, store, workflow)

    # Then the case is returned as it was, its token kept for the next try
    after = _case(repo, draft.application_id)
    assert after.status is ApplicationStatus.RETURNED and after.version == before.version
    assert after.materials == before.materials
    assert repo.get_token(draft.application_id, SUPPLEMENT_TOKEN) == "supplement-token-1"
    assert workflow.answers == []


# --- results -----------------------------------------------------------------------------


def test_a_result_is_downloadable_once_delivered(repo, store, stored_case) -> None:
    # Given a case issued and delivered electronically
    application = stored_case(UTILITIES, mode=DeliveryMode.ELECTRONIC)
    application_id = application.application_id
    with pytest.raises(NotFound, match="no result"):
        service.result_of(CITIZEN, application_id, repo, store, 600)
    _approve_and_issue(repo, store, application_id)
    undelivered = service.result_of(CITIZEN, application_id, repo, store, 600)
    assert undelivered.download_url is None
    deliver_result(application_id, repo, RecordingCourier(), 30)

    # When the applicant asks for the result
    view = service.result_of(CITIZEN, application_id, repo, store, 600)

    # Then the certificate can be downloaded under its own name
    assert view.outcome == "APPROVED" and view.certificate_no
    assert view.download_url is not None
    [(key, ttl, file_name)] = store.download_requests
    assert (ttl, file_name) == (600, f"{view.certificate_no}.pdf")
    assert key.startswith(f"documents/{application_id}/")


def _approve_and_issue(
    repo: InMemoryRepository, store: InMemoryDocumentStore, application_id: str
) -> None:
    output = run_acceptance(application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    for review in output["reviews"]:
        open_review(application_id, review["department"], review["role"], "t", repo, repo)
    for department in _case(repo, application_id).reviews:
        review = repo.get_task(task_id_for(application_id, department))
        assert review is not None
        review.status = "APPROVED"
        repo.decide_review(review, [])
    issue_result(application_id, repo, repo, repo, store)


# --- ratings -----------------------------------------------------------------------------


@pytest.fixture
def completed(repo: InMemoryRepository, draft: Application) -> Application:
    _move(repo, draft.application_id, *_TO_COMPLETED)
    return _case(repo, draft.application_id)


def test_a_dissatisfied_rating_opens_a_follow_up_ticket(repo, completed) -> None:
    # When the applicant rates the concluded case 2 (dissatisfied)
    rated = service.rate(
        CITIZEN,
        completed.application_id,
        FeedbackRequest(rating=2, comment="等太久"),
        repo,
        repo,
    )

    # Then a ticket for the lead department is due in 15 working days (差评整改)
    [ticket] = repo.tickets.values()
    assert ticket.application_id == completed.application_id
    assert ticket.lead_department == "POWER"
    assert (ticket.rating, ticket.comment, ticket.status) == (2, "等太久", "OPEN")
    assert ticket.due_at == add_working_days(ticket.opened_at, 15)
    assert [t.ticket_id for t in repo.list_tickets("OPEN", 10, None).items] == [ticket.ticket_id]
    # And the rating names its ticket
    feedback = _case(repo, completed.application_id).feedback
    assert feedback is not None and feedback.ticket_id == ticket.ticket_id
    assert rated.feedback == feedback
    assert repo.actions(completed.application_id)[-2:] == ["rated", "follow_up_opened"]


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_satisfied_rating_opens_no_ticket(repo, completed, rating) -> None:
    service.rate(CITIZEN, completed.application_id, FeedbackRequest(rating=rating), repo, repo)
    assert repo.tickets == {}
    feedback = _case(repo, completed.application_id).feedback
    assert feedback is not None and feedback.rating == rating and feedback.ticket_id is None


def test_a_case_is_rated_once(repo, completed) -> None:
    service.rate(CITIZEN, completed.application_id, FeedbackRequest(rating=1), repo, repo)
    with pytest.raises(Conflict) as raised:
        service.rate(CITIZEN, completed.application_id, FeedbackRequest(rating=5), repo, repo)
    assert raised.value.field == "rating"
    assert len(repo.tickets) == 1
    assert _case(repo, completed.application_id).feedback.rating == 1  # type: ignore[union-attr]


def test_racing_ratings_open_one_follow_up_ticket(repo, completed, monkeypatch) -> None:
    # Given a second submission of the rating is written between the first's reading the
    # case and writing its rating
    application_id = completed.application_id
    put_rating = repo.put_rating

    def rival_first(application: Application, rating: Any, ticket: Any = None) -> None:
        monkeypatch.setattr(repo, "put_rating", put_rating)
        service.rate(CITIZEN, application_id, FeedbackRequest(rating=1), repo, repo)
        put_rating(application, rating, ticket)

    monkeypatch.setattr(repo, "put_rating", rival_first)

    # When the first rating is written, it loses: the rating is written once, the second
    # attempt answers 409 rather than overwriting it
    with pytest.raises(Conflict) as raised:
        service.rate(CITIZEN, application_id, FeedbackRequest(rating=1), repo, repo)
    assert raised.value.field == "rating"

    # Then one ticket is open, and it is the one the saved rating names
    feedback = _case(repo, application_id).feedback
    assert feedback is not None
    assert list(repo.tickets) == [feedback.ticket_id]
    assert repo.actions(application_id).count("rated") == 1


def test_a_dissatisfied_rating_that_loses_a_race_leaves_no_ticket(
    repo, completed, monkeypatch
) -> None:
    # Given a rating of 5 written while a rating of 1 of the same case is being handled
    application_id = completed.application_id
    put_rating = repo.put_rating

    def satisfied_first(application: Application, rating: Any, ticket: Any = None) -> None:
        monkeypatch.setattr(repo, "put_rating", put_rating)
        service.rate(CITIZEN, application_id, FeedbackRequest(rating=5), repo, repo)
        put_rating(application, rating, ticket)

    monkeypatch.setattr(repo, "put_rating", satisfied_first)

    # When the rating of 1 is written, it loses
    with pytest.raises(Conflict):
        service.rate(CITIZEN, application_id, FeedbackRequest(rating=1), repo, repo)

    # Then the 5 stands and no complaint ticket was opened for it
    feedback = _case(repo, application_id).feedback
    assert feedback is not None and feedback.rating == 5 and feedback.ticket_id is None
    assert repo.tickets == {}
    assert "follow_up_opened" not in repo.actions(application_id)


def test_a_case_in_progress_cannot_be_rated(repo, draft) -> None:
    _move(repo, draft.application_id, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_APPROVAL)
    with pytest.raises(Conflict) as raised:
        service.rate(CITIZEN, draft.application_id, FeedbackRequest(rating=5), repo, repo)
    assert raised.value.field == "status"


# --- department tasks ---------------------------------------------------------------------

POWER_OFFICER = staff("POWER", username="officer-li")
WATER_OFFICER = staff("WATER", username="officer-zhao")


@pytest.fixture
def in_review(
    repo: InMemoryRepository, store: InMemoryDocumentStore, stored_case: StoredCase
) -> str:
    """An accepted case whose three reviews are open, each waiting on its own token."""
    application_id = stored_case(UTILITIES).application_id
    output = run_acceptance(application_id, repo, repo, SUPPLEMENT_WAIT_DAYS)
    for review in output["reviews"]:
        department = review["department"]
        open_review(
            application_id, department, review["role"], f"review-token-{department}", repo, repo
        )
    return application_id


def _approve(comment: str = "符合条件") -> DecisionRequest:
    return DecisionRequest.model_validate({"decision": "approve", "comment": comment})


def _reject(comment: str) -> DecisionRequest:
    return DecisionRequest.model_validate({"decision": "reject", "comment": comment})


def test_only_department_staff_have_an_inbox(repo) -> None:
    with pytest.raises(Forbidden):
        tasks.pending_tasks(CITIZEN, None, 10, None, repo)
    with pytest.raises(Forbidden) as raised:
        tasks.pending_tasks(POWER_OFFICER, "WATER", 10, None, repo)
    assert raised.value.field == "department"


def test_the_inbox_lists_the_departments_pending_tasks(repo, in_review) -> None:
    # Given an officer of two departments
    officer = staff("WATER", "POWER")

    # When the inbox is listed without naming a department, then naming one
    default = tasks.pending_tasks(officer, None, 10, None, repo)
    water = tasks.pending_tasks(officer, "WATER", 10, None, repo)

    # Then the first department (alphabetically) is the default, and each sees its own task
    assert [t.task_id for t in default.items] == [task_id_for(in_review, "POWER")]
    assert [t.task_id for t in water.items] == [task_id_for(in_review, "WATER")]


def test_a_decision_is_recorded_and_answers_the_workflow(repo, workflow, in_review) -> None:
    # When the lead department approves its task
    task_id = task_id_for(in_review, "POWER")
    version, saves, events = (
        _case(repo, in_review).version,
        repo.header_saves,
        repo.actions(in_review),
    )
    decided = tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # Then the task is decided, out of the inbox, and the case's review shows who decided
    assert (decided.task_status, decided.decision.value) == ("DECIDED", "approve")  # type: ignore[union-attr]
    assert tasks.pending_tasks(POWER_OFFICER, None, 10, None, repo).items == []
    review = _case(repo, in_review).reviews["POWER"]
    assert (review.status, review.comment, review.decided_by) == (
        "APPROVED",
        "符合条件",
        "officer-li",
    )
    assert review.decided_at is not None
    # And only that review and one event are written: the case header is left alone
    assert (_case(repo, in_review).version, repo.header_saves) == (version, saves)
    assert repo.actions(in_review) == [*events, "approved"]
    # And the workflow's wait for that department is answered with the decision
    assert workflow.answers == [
        ("review-token-POWER", {"department": "POWER", "decision": "approve"})
    ]


def test_a_rejection_keeps_the_departments_reason(repo, workflow, in_review) -> None:
    task_id = task_id_for(in_review, "WATER")
    tasks.decide(WATER_OFFICER, task_id, _reject("供水管网未覆盖"), repo, repo, workflow)

    review = _case(repo, in_review).reviews["WATER"]
    assert (review.status, review.comment) == ("REJECTED", "供水管网未覆盖")
    assert workflow.answers == [
        ("review-token-WATER", {"department": "WATER", "decision": "reject"})
    ]
    assert repo.actions(in_review)[-1] == "rejected"


def test_another_departments_task_is_forbidden(repo, workflow, in_review) -> None:
    with pytest.raises(Forbidden):
        tasks.decide(
            WATER_OFFICER, task_id_for(in_review, "POWER"), _approve(), repo, repo, workflow
        )
    assert workflow.answers == []
    assert _case(repo, in_review).reviews["POWER"].status == "PENDING"


@pytest.mark.parametrize("task_id", ["nope", "01JNXSVCHCASE0000000000000-POWER", "../x"])
def test_an_unknown_task_is_not_found(repo, workflow, task_id) -> None:
    with pytest.raises(NotFound) as raised:
        tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)
    assert raised.value.field == "taskId"


def test_a_task_decided_by_a_colleague_cannot_be_decided_again(repo, workflow, in_review) -> None:
    # Given a colleague already approved the task
    task_id = task_id_for(in_review, "POWER")
    tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # When another officer of the department, or the same one changing their mind, decides
    colleague = staff("POWER", username="officer-sun")
    with pytest.raises(Conflict):
        tasks.decide(colleague, task_id, _approve(), repo, repo, workflow)
    with pytest.raises(Conflict):
        tasks.decide(POWER_OFFICER, task_id, _reject("改主意"), repo, repo, workflow)

    # Then the first decision stands and the workflow was answered once
    assert _case(repo, in_review).reviews["POWER"].status == "APPROVED"
    assert len(workflow.answers) == 1


def test_two_racing_decisions_cannot_both_win(repo, workflow, in_review) -> None:
    # Given a colleague decides between this officer's reading the task and writing
    task_id = task_id_for(in_review, "POWER")
    colleague = staff("POWER", username="officer-sun")
    repo.before_next_decide.append(
        lambda r: tasks.decide(colleague, task_id, _reject("证照不全"), r, r, workflow)
    )

    # When this officer's decision is written, it loses
    with pytest.raises(Conflict):
        tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # Then only the colleague's decision is recorded and heard
    review = _case(repo, in_review).reviews["POWER"]
    assert (review.status, review.decided_by) == ("REJECTED", "officer-sun")
    assert workflow.answers == [
        ("review-token-POWER", {"department": "POWER", "decision": "reject"})
    ]


def test_two_departments_deciding_at_once_both_count(repo, workflow, in_review) -> None:
    # Given WATER's officer decides the same case between POWER's reading it and writing
    water = staff("WATER", username="officer-water")
    version, saves = _case(repo, in_review).version, repo.header_saves
    repo.before_next_decide.append(
        lambda r: tasks.decide(water, task_id_for(in_review, "WATER"), _approve(), r, r, workflow)
    )

    # When POWER's decision is written after WATER's
    tasks.decide(
        POWER_OFFICER, task_id_for(in_review, "POWER"), _reject("证照不全"), repo, repo, workflow
    )

    # Then neither is refused: each wrote only its own review record, both decisions stand
    reviews = _case(repo, in_review).reviews
    assert (reviews["WATER"].status, reviews["POWER"].status) == ("APPROVED", "REJECTED")
    assert (reviews["URBAN"].status, reviews["WATER"].decided_by) == ("PENDING", "officer-water")
    assert sorted(d["department"] for _, d in workflow.answers) == ["POWER", "WATER"]
    assert repo.actions(in_review)[-2:] == ["approved", "rejected"]
    # And the case header was not written, so there was nothing for them to contend on
    assert (_case(repo, in_review).version, repo.header_saves) == (version, saves)


def test_a_decision_after_the_wait_ended_is_a_conflict(repo, workflow, in_review) -> None:
    # Given the workflow stopped waiting for the power department (timed out)
    workflow.expired_tokens.add("review-token-POWER")

    # When / Then the officer learns the decision came too late
    with pytest.raises(Conflict):
        tasks.decide(
            POWER_OFFICER, task_id_for(in_review, "POWER"), _approve(), repo, repo, workflow
        )


def test_the_same_decision_again_is_a_harmless_retry(repo, workflow, in_review) -> None:
    # Given the officer approved, and the client retries the same request
    task_id = task_id_for(in_review, "POWER")
    tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # When the same decision arrives again
    again = tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # Then it answers as the first did, and the workflow heard the decision once
    assert again.task_status == "DECIDED"
    assert len(workflow.answers) == 1


def test_a_decision_the_workflow_did_not_hear_is_resent_on_retry(repo, workflow, in_review) -> None:
    # Given Step Functions fails once to take the officer's approval
    task_id = task_id_for(in_review, "POWER")
    workflow.succeed_error = TransientError("ThrottlingException")
    with pytest.raises(TransientError):
        tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # When the officer retries the same decision
    workflow.succeed_error = None
    tasks.decide(POWER_OFFICER, task_id, _approve(), repo, repo, workflow)

    # Then the workflow hears it, with the task's own token
    assert workflow.answers == [
        ("review-token-POWER", {"department": "POWER", "decision": "approve"})
    ]


def test_a_task_of_a_case_that_left_approval_cannot_be_decided(repo, workflow, in_review) -> None:
    # Given the case failed (its review wait timed out) while the task was still pending
    _move(repo, in_review, ApplicationStatus.FAILED)
    workflow.expired_tokens.add("review-token-POWER")

    # When the officer decides it
    with pytest.raises(Conflict):
        tasks.decide(
            POWER_OFFICER, task_id_for(in_review, "POWER"), _approve(), repo, repo, workflow
        )

    # Then nothing is recorded on the closed case
    case = _case(repo, in_review)
    assert case.reviews["POWER"].status == "PENDING"
    assert repo.actions(in_review)[-1] == "failed"


def test_the_reviewing_department_gets_links_to_the_checked_materials(
    repo, store, in_review
) -> None:
    # Given a case in review whose materials were found in S3 when it was submitted
    case = _case(repo, in_review)

    # When POWER's officer asks for the materials of POWER's task
    found = tasks.task_materials(
        POWER_OFFICER, task_id_for(in_review, "POWER"), repo, repo, store, 300
    )

    # Then every material comes with a short-lived link to its own key
    assert {m.code for m in found} == set(case.materials)
    assert all(m.download_url and m.size for m in found)
    assert {key for key, _, _ in store.download_requests} == {
        m.s3_key for m in case.materials.values()
    }


def test_reviewers_get_the_version_that_was_submitted(repo, store, in_review) -> None:
    # Given a case in review, and its ID card written again afterwards with an upload link
    # that was still valid
    case = _case(repo, in_review)
    id_card = case.materials["ID_CARD"]
    submitted_version = id_card.verified_version_id
    assert submitted_version is not None
    store.upload(id_card.s3_key, 4096, "application/pdf")

    # When POWER's officer asks for the materials
    tasks.task_materials(POWER_OFFICER, task_id_for(in_review, "POWER"), repo, repo, store, 300)

    # Then the ID card's link names the version acceptance judged, not the newer one
    keys = [key for key, _, _ in store.download_requests]
    by_key = dict(zip(keys, store.download_versions, strict=True))
    assert by_key[id_card.s3_key] == submitted_version
    assert store.objects[id_card.s3_key].version_id != submitted_version


def test_another_department_cannot_read_a_case_s_materials(repo, store, in_review) -> None:
    # Given POWER's task; When WATER's officer asks for its materials; Then it is refused
    with pytest.raises(Forbidden):
        tasks.task_materials(WATER_OFFICER, task_id_for(in_review, "POWER"), repo, repo, store, 300)
    assert store.download_requests == []
