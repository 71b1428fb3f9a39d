"""The applicant's use cases: file, upload materials, submit or resubmit, follow, rate."""

import contextlib
import re
from datetime import timedelta

from ulid import ULID

from shared.acting import act_on_behalf_of
from shared.domain import forms
from shared.domain.acceptance import committed_still_missing, reusable_for, reusable_until
from shared.domain.confirmation import AGENT_CHANNELS, confirmation_problem, filing_digest
from shared.domain.workdays import add_working_days
from shared.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import (
    CreateApplicationRequest,
    DraftUpdateRequest,
    FeedbackRequest,
    MaterialReuseRequest,
    MaterialUploadRequest,
    MaterialUploadResponse,
    ResultView,
    ReusableMaterial,
    ReusableMaterialList,
)
from shared.models.application import (
    Applicant,
    Application,
    CheckedDocument,
    FollowUpTicket,
    MaterialRecord,
    Rating,
    TimelineEvent,
)
from shared.models.catalog import CatalogItem, MaterialRule
from shared.models.common import ApplicationStatus, Channel, Stage, utc_now
from shared.models.ids import is_application_id
from shared.names import upload_key
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.documents import DocumentStore
from shared.ports.page import Page
from shared.ports.tasks import TaskRepository
from shared.ports.workflow import Workflow
from shared.services.clock import supplement_in_approval
from shared.services.commitments import open_commitment
from shared.stages.supplement import COMMITMENT_TOKEN, SUPPLEMENT_TOKEN

# A rating at or below this opens a follow-up ticket: 2 dissatisfied, 1 very dissatisfied.
DISSATISFIED = 2
RECTIFICATION_WORKING_DAYS = 15
# The case view shows the latest events; the timeline route pages through all of them.
RECENT_EVENTS = 50
EDITABLE_STATUSES = {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED}
_RATEABLE = {
    ApplicationStatus.DELIVERED,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.NOT_ACCEPTED,
}
# Channels on which staff file for the applicant (who is not the account that files).
_FILED_BY_STAFF = frozenset({Channel.WINDOW, *AGENT_CHANNELS})
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")


def create_application(
    caller: Caller,
    request: CreateApplicationRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> Application:
    item = catalog.get_catalog_item(request.item_id)
    if item is None:
        raise NotFound(f"catalog item {request.item_id} does not exist", field="itemId")
    if request.delivery.mode not in item.delivery_modes:
        offered = ", ".join(m.value for m in item.delivery_modes)
        raise ValidationFailed(f"this item is delivered by {offered} only", field="delivery.mode")
    require_filing_right(caller, request.channel, request.applicant)
    require_applicant_kind(item, request.applicant.kind)
    problems = forms.form_problems(item, request.form, require=False)
    if problems:
        raise ValidationFailed(
            f"the form has {len(problems)} problem(s): {', '.join(f for f, _ in problems)}",
            fields=problems,
        )
    application = Application(
        application_id=str(ULID()),
        owner_id=caller.sub,
        item_id=item.item_id,
        item_version=item.version,  # the case keeps this version, whatever changes later
        applicant=request.applicant,
        form=forms.normalised(item, request.form),
        missing_fields=forms.missing_required(item, request.form),
        channel=request.channel,
        assisted_by=caller.username if request.channel in _FILED_BY_STAFF else None,
        agent_sub=caller.sub if request.channel in AGENT_CHANNELS else None,
        delivery=request.delivery,
    )
    on_behalf = f"; for {request.applicant.name}" if application.agent_sub else ""
    application.record(
        Stage.APPLICATION,
        "created",
        caller.username,
        f"channel {request.channel.value}; {item.name_zh} (version {item.version}){on_behalf}",
    )
    cases.create_application(application)
    return application


def update_draft(
    caller: Caller,
    application_id: str,
    request: DraftUpdateRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> Application:
    """Saves what the applicant filled in so far (as they go, from any device) on a draft,
    or on a case returned for supplement (what the one-time notice lists may be form fields
    too), checked as at creation against the item version the case pinned. No timeline
    event: a draft is saved every few seconds, and what counts is what is submitted."""
    application = get_own_application(caller, application_id, cases)
    asked = _asked_mid_approval(application)
    if application.status not in EDITABLE_STATUSES and asked is None:
        raise Conflict(
            f"an application that is {application.status} can no longer be edited",
            field="status",
        )
    corrected = _only_what_was_asked(application, request, asked) if asked is not None else set()
    if application.bundle_case_id is not None:
        _keep_what_the_bundle_shares(application, request, cases)
    if request.version != application.version:
        raise ConcurrentUpdate(
            f"the draft is at version {application.version}, not {request.version}: it was "
            "saved from elsewhere since; reload it",
            field="version",
        )
    item = pinned_item(application, catalog)
    if request.delivery is not None and request.delivery.mode not in item.delivery_modes:
        offered = ", ".join(m.value for m in item.delivery_modes)
        raise ValidationFailed(f"this item is delivered by {offered} only", field="delivery.mode")
    if request.form is not None:
        problems = forms.form_problems(item, request.form, require=False)
        if problems:
            raise ValidationFailed(
                f"the form has {len(problems)} problem(s): {', '.join(f for f, _ in problems)}",
                fields=problems,
            )
        application.form = forms.normalised(item, request.form)
        application.missing_fields = forms.missing_required(item, application.form)
    if request.applicant is not None:
        require_applicant_kind(item, request.applicant.kind)
        application.applicant = request.applicant
    if request.delivery is not None:
        application.delivery = request.delivery
    application.updated_at = utc_now()
    if corrected:  # in approval: the department sees what changed, on the timeline
        application.record(
            Stage.APPLICATION,
            "form_supplemented",
            caller.username,
            f"{', '.join(sorted(corrected))} corrected as the department asked",
        )
    cases.save_draft(application)
    return application


def _upload_shared_on_the_bundle(
    application: Application, code: str, cases: ApplicationRepository
) -> None:
    """A material the bundle's items share is uploaded once, on the bundle application,
    for every member that asks for it; not on one member alone."""
    bundle_case = cases.get_bundle_case(str(application.bundle_case_id))
    if bundle_case is not None and code in bundle_case.shared_materials:
        raise Conflict(
            f"{code} is shared by the bundle's items: upload it once on the bundle "
            f"application {application.bundle_case_id}",
            field="materialCode",
        )


def _keep_what_the_bundle_shares(
    application: Application, request: DraftUpdateRequest, cases: ApplicationRepository
) -> None:
    """A member of a bundle filing keeps the applicant, the delivery and the shared fields
    of its bundle: they change on the bundle application, for every member at once."""
    where = f"the bundle application {application.bundle_case_id}"
    for part in ("applicant", "delivery"):
        if getattr(request, part) is not None:
            raise Conflict(f"the {part} of a bundle's member is changed on {where}", field=part)
    bundle_case = cases.get_bundle_case(str(application.bundle_case_id))
    shared = set(bundle_case.shared_fields) if bundle_case else set()
    changed = sorted(
        name
        for name in shared
        if request.form is not None and request.form.get(name) != application.form.get(name)
    )
    if changed:
        raise Conflict(
            f"{', '.join(changed)} shared by the bundle's items: changed on {where}",
            fields=[(f"form.{name}", f"shared: change it on {where}") for name in changed],
        )


def require_applicant_kind(item: CatalogItem, kind: str) -> None:
    """An item for companies is not filed for a person (or the other way round): said at
    filing, not after the uploads and the submit."""
    kinds = [k.value for k in item.applicant_kinds]
    if kind not in kinds:
        raise ValidationFailed(
            f"this item is for {' or '.join(kinds)} applicants, not {kind}",
            field="applicant.kind",
        )


def _only_what_was_asked(
    application: Application, request: DraftUpdateRequest, asked: set[str]
) -> set[str]:
    """In approval, a department's supplement request (退回补正) opens only the form fields it
    lists: the applicant and delivery stay as accepted, every other field as it was."""
    if request.applicant is not None or request.delivery is not None:
        field = "applicant" if request.applicant is not None else "delivery"
        raise Conflict("only the fields the department asked for may change now", field=field)
    changed = {
        name
        for name in set(application.form) | set(request.form or {})
        if request.form is not None and application.form.get(name) != request.form.get(name)
    }
    refused = sorted(changed - asked)
    if refused:
        raise Conflict(
            f"the department asked for {', '.join(sorted(asked))}; "
            f"{', '.join(refused)} may not change now",
            fields=[(f"form.{name}", "not asked for by the department") for name in refused],
        )
    return changed


def require_filing_right(caller: Caller, channel: Channel, applicant: Applicant) -> None:
    """Applicants file for themselves; staff file only on someone's behalf: service agents
    on the agent and remote-assisted channels, window clerks for a walk-in applicant on
    the window channel."""
    if channel is Channel.WINDOW:
        if not caller.is_window_clerk:
            raise Forbidden(
                "only window clerks file at the window for a walk-in applicant",
                field="channel",
            )
        return
    if channel in AGENT_CHANNELS:
        if not caller.is_agent:
            raise Forbidden(
                f"only service agents file on the {channel.value} channel", field="channel"
            )
        if applicant.phone is None:
            raise ValidationFailed(
                "an agent's filing needs the applicant's mobile phone: the code they confirm "
                "the filing with is texted to it",
                field="applicant.phone",
            )
        return
    if channel is Channel.ASSISTED:
        raise ValidationFailed(
            "assisted is no longer filed: a service agent files on the agent or the "
            "remote_assisted channel",
            field="channel",
        )
    if not caller.is_applicant:
        raise Forbidden(
            f"only applicants file on the {channel.value} channel; service agents file for "
            "an applicant on the agent channel, and a new account is an applicant once it "
            "is in the citizen group",
            field="channel",
        )


def get_own_application(
    caller: Caller, application_id: str, cases: ApplicationRepository
) -> Application:
    """The caller's case: their own, or one they filed as the applicant's service agent
    (帮办代办), whose every write is then recorded as on the applicant's behalf."""
    application = (
        cases.get_application(application_id) if is_application_id(application_id) else None
    )
    # Another person's case is reported as absent, not forbidden: ids are not confirmed.
    if application is None or not (
        application.owner_id == caller.sub or acts_as_agent(caller, application)
    ):
        raise NotFound(f"application {application_id} not found", field="applicationId")
    if acts_as_agent(caller, application):
        act_on_behalf_of(f"applicant {application.applicant_key}")
    return application


def acts_as_agent(caller: Caller, application: Application) -> bool:
    return caller.is_agent and application.agent_sub == caller.sub


def recent_timeline(application_id: str, cases: ApplicationRepository) -> Page[TimelineEvent]:
    """The latest events, oldest first, and a cursor if older ones exist."""
    page = cases.list_timeline(application_id, RECENT_EVENTS, None, newest_first=True)
    return Page(list(reversed(page.items)), page.next_cursor, page.scanned)


def timeline(
    caller: Caller,
    application_id: str,
    limit: int,
    cursor: str | None,
    newest_first: bool,
    cases: ApplicationRepository,
) -> Page[TimelineEvent]:
    if not is_application_id(application_id):
        raise NotFound(f"application {application_id} not found", field="applicationId")
    # The header alone proves ownership; the case's other records are not needed here.
    get_own_application(caller, application_id, cases)
    return cases.list_timeline(application_id, limit, cursor, newest_first=newest_first)


def pinned_item(application: Application, catalog: CatalogRepository) -> CatalogItem:
    """The catalog item as it stood when the case was filed."""
    item = catalog.get_catalog_item(application.item_id, application.item_version)
    if item is None:
        raise NotFound(
            f"version {application.item_version} of item {application.item_id} is gone",
            field="itemId",
        )
    return item


def safe_file_name(name: str) -> str:
    """A file name as an S3 key part: letters, digits, Chinese, dot, dash, underscore."""
    return _UNSAFE_NAME.sub("_", name).strip("._")[:120] or "file"


def request_material_upload(
    caller: Caller,
    application_id: str,
    request: MaterialUploadRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    store: DocumentStore,
    ttl: int,
) -> MaterialUploadResponse:
    application = get_own_application(caller, application_id, cases)
    rule = _material_to_change(application, request.material_code, catalog)
    if application.bundle_case_id is not None:
        _upload_shared_on_the_bundle(application, rule.code, cases)
    if request.content_type not in rule.content_types:
        raise ValidationFailed(
            f"contentType must be one of {rule.content_types}", field="contentType"
        )
    if request.size > rule.max_size_bytes:
        raise ValidationFailed(
            f"size exceeds the limit of {rule.max_size_bytes} bytes", field="size"
        )
    key = upload_key(application_id, rule.code, safe_file_name(request.file_name))
    # The POST admits exactly the declared size: the size checked above is the size stored.
    post = store.presigned_upload(key, request.content_type, request.size, ttl)
    now = utc_now()
    record = MaterialRecord(
        code=rule.code,
        file_name=request.file_name,
        content_type=request.content_type,
        declared_size=request.size,
        s3_key=key,
        requested_at=now,
    )
    # Its own record: the header is not touched, so uploads never race a stage's write.
    cases.put_materials(application_id, [record])
    return MaterialUploadResponse(
        url=post["url"],
        fields=post["fields"],
        key=key,
        expires_at=now + timedelta(seconds=ttl),
        max_size=request.size,
    )


def reusable_materials(
    caller: Caller,
    application_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> ReusableMaterialList:
    """What this case may reuse instead of uploading: the applicant's documents a window
    clerk checked against their originals in this account's earlier cases (可复用)."""
    application = get_own_application(caller, application_id, cases)
    item = pinned_item(application, catalog)
    documents = cases.checked_documents(application.applicant_key, application.owner_id)
    now = utc_now()
    offered = []
    for rule in item.materials:
        document = reusable_for(rule, documents, now) if rule.uploaded else None
        if document is not None and document.application_id != application_id:
            offered.append(_offered(rule.code, document))
    return ReusableMaterialList(items=offered)


def reuse_material(
    caller: Caller,
    application_id: str,
    request: MaterialReuseRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> ReusableMaterial:
    """Puts a checked document in the case for the material, in place of an upload."""
    application = get_own_application(caller, application_id, cases)
    rule = _material_to_change(application, request.material_code, catalog)
    documents = cases.checked_documents(application.applicant_key, application.owner_id)
    now = utc_now()
    document = reusable_for(rule, documents, now)
    if document is None or document.application_id == application_id:
        raise NotFound(
            f"no checked document of this applicant to reuse for {rule.name_zh}",
            field="materialCode",
        )
    record = MaterialRecord(
        code=rule.code,
        file_name=document.file_name,
        content_type=document.content_type,
        declared_size=document.size,
        s3_key=document.s3_key,
        requested_at=now,
        verified_size=document.size,
        verified_content_type=document.content_type,
        verified_version_id=document.version_id,
        verified_at=now,
        original_checked_by=document.checked_by,
        original_checked_at=document.checked_at,
        reused_from=document.application_id,
    )
    cases.put_materials(application_id, [record])
    return _offered(rule.code, document)


def _offered(material_code: str, document: CheckedDocument) -> ReusableMaterial:
    return ReusableMaterial(
        material_code=material_code,
        kind=document.kind,
        file_name=document.file_name,
        content_type=document.content_type,
        size=document.size,
        checked_by=document.checked_by,
        checked_at=document.checked_at,
        from_application_id=document.application_id,
        reusable_until=reusable_until(document),
    )


def _require_reused_still_theirs(application: Application, cases: ApplicationRepository) -> None:
    """A reused document stays the applicant's named on the case: a draft whose applicant
    changed since must reuse (or upload) it again."""
    reused = {c: m for c, m in application.materials.items() if m.reused_from}
    if not reused:
        return
    sources = {m.reused_from for m in reused.values()}
    theirs = {
        source
        for source in sources
        if (earlier := cases.get_application(str(source))) is not None
        and (earlier.applicant_key, earlier.owner_id)
        == (application.applicant_key, application.owner_id)
    }
    foreign = sorted(c for c, m in reused.items() if m.reused_from not in theirs)
    if foreign:
        raise ValidationFailed(
            f"{', '.join(foreign)} reused a document of another applicant; reuse or upload "
            "this applicant's own",
            fields=[(f"materials.{c}", "not this applicant's checked document") for c in foreign],
        )


def _material_to_change(
    application: Application, material_code: str, catalog: CatalogRepository
) -> MaterialRule:
    """The item's rule for a material the applicant may upload (or reuse) now: while the
    case is editable, or what a department or a commitment still asks for."""
    asked = _asked_mid_approval(application)
    commitment = open_commitment(application)
    if commitment is not None:
        asked = (asked or set()) | set(commitment.materials)
    if application.status not in EDITABLE_STATUSES and asked is None:
        raise Conflict(
            f"materials cannot change while the case is {application.status}", field="status"
        )
    if asked is not None and material_code not in asked:
        raise Conflict(
            f"the department asked for {', '.join(sorted(asked))}, not {material_code}",
            field="materialCode",
        )
    rule = pinned_item(application, catalog).material(material_code)
    if rule is None:
        raise ValidationFailed(
            f"{material_code} is not a material of this item", field="materialCode"
        )
    if not rule.uploaded:
        raise ValidationFailed(
            f"{rule.name_zh} is taken from {rule.source.value.replace('_', ' ')}; "
            "nothing to upload",
            field="materialCode",
        )
    return rule


def _asked_mid_approval(application: Application) -> set[str] | None:
    """What a department asked for mid-approval (退回补正), while the request is open."""
    clock = application.clock
    pause = clock.open_supplement if clock else None
    if application.status is not ApplicationStatus.IN_APPROVAL or pause is None:
        return None
    return {m.field for m in pause.missing}


def submit(
    caller: Caller,
    application_id: str,
    cases: ApplicationRepository,
    store: DocumentStore,
    workflow: Workflow,
    tasks: TaskRepository | None = None,
) -> Application:
    application = get_own_application(caller, application_id, cases)
    _require_reused_still_theirs(application, cases)
    if application.status is ApplicationStatus.DRAFT:
        if application.bundle_case_id is not None:
            raise Conflict(
                f"this case is a member of bundle application {application.bundle_case_id} "
                "and is submitted with it, not on its own",
                field="bundleCaseId",
            )
        return _first_submission(caller, application, cases, store, workflow)
    if application.status is ApplicationStatus.RETURNED:
        return _resubmit(caller, application, cases, store, workflow)
    if _asked_mid_approval(application) is not None and tasks is not None:
        # What S3 holds is noted first (as on any submit), then the request closes.
        cases.put_materials(application.application_id, record_uploads(application, store))
        return supplement_in_approval(caller, application, tasks, cases)
    if open_commitment(application) is not None:
        return _fulfil_commitment(caller, application, cases, store, workflow)
    raise Conflict(
        f"an application that is {application.status} cannot be submitted", field="status"
    )


def _fulfil_commitment(
    caller: Caller,
    application: Application,
    cases: ApplicationRepository,
    store: DocumentStore,
    workflow: Workflow,
) -> Application:
    """容缺: the committed materials, once all are in S3, fulfil the commitment; an issuance
    waiting for them goes on."""
    cases.put_materials(application.application_id, record_uploads(application, store))
    missing = committed_still_missing(application)
    if missing:
        raise ValidationFailed(
            f"still to upload as committed: {', '.join(missing)}", field="materials"
        )
    commitment = application.commitment
    assert commitment is not None
    commitment.fulfilled_at = utc_now()
    application.record(
        Stage.APPLICATION,
        "commitment_fulfilled",
        caller.username,
        f"{', '.join(commitment.materials)} supplied as committed",
    )
    cases.save_application(application)
    token = cases.get_token(application.application_id, COMMITMENT_TOKEN)
    if token:  # issuance waits for them; otherwise it will find them in when it runs
        with contextlib.suppress(Conflict):
            workflow.succeed(token, {"applicationId": application.application_id})
    return application


def _first_submission(
    caller: Caller,
    application: Application,
    cases: ApplicationRepository,
    store: DocumentStore,
    workflow: Workflow,
) -> Application:
    # S3 answers for every material before anything is written: a store that cannot say
    # (a bucket gone, an outage) raises here and the case is as it was. What S3 holds is
    # then noted on each material on its own: should the submission lose a race, the
    # notes are simply taken again at the next submit.
    uploads = record_uploads(application, store)
    unconfirmed = confirmation_problem(application, filing_digest(application))
    if unconfirmed:
        raise Conflict(unconfirmed, field="confirmation")
    cases.put_materials(application.application_id, uploads)
    application.submission_count += 1
    application.move_to(ApplicationStatus.SUBMITTED, Stage.APPLICATION, caller.username)
    cases.save_application(application)
    try:
        workflow.start(application.application_id)
    except Conflict:
        pass  # already started: a repeated submit changes nothing
    except Exception:
        # Never SUBMITTED without an execution behind it: back to the applicant.
        application.move_to(
            ApplicationStatus.DRAFT,
            Stage.APPLICATION,
            "system",
            "submission could not start; please submit again",
        )
        cases.save_application(application)
        raise
    return application


def record_uploads(application: Application, store: DocumentStore) -> list[MaterialRecord]:
    """Notes on each declared material what S3 holds under its key right now (or that
    nothing is there), for acceptance to judge, and returns the records to save. The
    upload itself went straight from the browser to S3 under a POST policy that fixed the
    key, the type and the size. Every material is looked at before any is changed, so a
    store that fails half-way leaves the case's records untouched."""
    uploaded = {
        c: r
        for c, r in application.materials.items()
        if r.reused_from is None and r.certificate_no is None
    }
    found = {code: store.head(record.s3_key) for code, record in uploaded.items()}
    now = utc_now()
    # A reused document keeps the facts checked with it; a certificate is judged by its
    # status at acceptance.
    for code, record in uploaded.items():
        stored = found[code]
        record.verified_size = stored.size if stored else None
        record.verified_content_type = stored.content_type if stored else None
        record.verified_version_id = stored.version_id if stored else None
        record.verified_at = now if stored else None
    return list(application.materials.values())


def _resubmit(
    caller: Caller,
    application: Application,
    cases: ApplicationRepository,
    store: DocumentStore,
    workflow: Workflow,
) -> Application:
    token = cases.get_token(application.application_id, SUPPLEMENT_TOKEN)
    if not token:
        raise Conflict("the case is still being returned; try again in a moment", field="status")
    uploads = record_uploads(application, store)  # before any write, as on a first submit
    cases.put_materials(application.application_id, uploads)
    application.submission_count += 1
    application.move_to(
        ApplicationStatus.SUBMITTED, Stage.APPLICATION, caller.username, "supplemented"
    )
    cases.save_application(application, tokens={SUPPLEMENT_TOKEN: None})
    try:
        workflow.succeed(token, {"applicationId": application.application_id})
    except Conflict as over:
        # The wait is over (timed out, stopped): no execution will read this submission.
        # Back to RETURNED without a token; the workflow (or its reconciler) settles it.
        _return_to_applicant(application, cases, "the time to supplement this case has ended")
        raise Conflict(
            "the time to supplement this case has ended; it can no longer be resubmitted",
            field="status",
        ) from over
    except Exception:
        # The workflow did not hear it: return the case, and its token, to the applicant.
        _return_to_applicant(
            application,
            cases,
            "resubmission could not reach the workflow; please submit again",
            token,
        )
        raise
    return application


def _return_to_applicant(
    application: Application, cases: ApplicationRepository, note: str, token: str | None = None
) -> None:
    """Undoes a resubmission the workflow did not take: RETURNED again, with `token` if
    the wait can still be answered."""
    application.move_to(ApplicationStatus.RETURNED, Stage.APPLICATION, "system", note)
    cases.save_application(application, tokens={SUPPLEMENT_TOKEN: token} if token else None)


def result_of(
    caller: Caller,
    application_id: str,
    cases: ApplicationRepository,
    store: DocumentStore,
    ttl: int,
) -> ResultView:
    application = get_own_application(caller, application_id, cases)
    result = application.result
    if result is None:
        raise NotFound("no result has been issued yet", field="applicationId")
    record = application.delivery_record
    url = None
    expires = record.download_expires_at if record else None
    # The document can be downloaded once delivery settled; for electronic delivery only
    # until the delivery's expiry.
    if record is not None and (expires is None or expires > utc_now()):
        url = store.presigned_download(
            result.document_key, ttl, result.document_key.rsplit("/", 1)[-1]
        )
    return ResultView(
        application_id=application_id,
        outcome=result.outcome,
        issued_at=result.issued_at,
        certificate_no=result.certificate_no,
        verification_code=result.verification_code,
        reasons=result.reasons,
        download_url=url,
        download_expires_at=expires,
        delivery=record,
    )


def rate(
    caller: Caller,
    application_id: str,
    request: FeedbackRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> Application:
    application = get_own_application(caller, application_id, cases)
    if acts_as_agent(caller, application):
        raise Forbidden(
            "the applicant rates the service, not the agent who filed for them", field="rating"
        )
    if application.status not in _RATEABLE:
        raise Conflict(f"a case that is {application.status} cannot be rated yet", field="status")
    if application.feedback is not None:
        raise Conflict("this case has already been rated", field="rating")
    now = utc_now()
    rating = Rating(rating=request.rating, comment=request.comment, rated_at=now)
    application.record(Stage.FEEDBACK, "rated", caller.username, f"rating {request.rating}")
    ticket = None
    if request.rating <= DISSATISFIED:
        item = pinned_item(application, catalog)
        # One ticket per case, named by it: a racing or retried rating finds it, not a twin.
        ticket = FollowUpTicket(
            ticket_id=application_id,
            application_id=application_id,
            item_id=application.item_id,
            lead_department=item.lead_department,
            rating=request.rating,
            comment=request.comment,
            opened_at=now,
            due_at=add_working_days(now, RECTIFICATION_WORKING_DAYS),
        )
        rating.ticket_id = ticket.ticket_id
        application.record(Stage.FEEDBACK, "follow_up_opened", "system", ticket.ticket_id)
    # The rating is its own record, written once with its ticket: it never races the
    # workflow's writes, and a rating that loses a race to another leaves nothing behind.
    cases.put_rating(application, rating, ticket)
    application.feedback = rating
    return application
