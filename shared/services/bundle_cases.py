"""Filing a bundle as one application (一件事一次办): the answers screened once, the shared
fields asked once and copied into every member that has them, a shared material uploaded
once and recorded on every member that asks for it.

Each applying item becomes a member case, a draft like any other (its own item-specific
materials are uploaded on it as usual), marked with its bundle case; the bundle case and
its members are written at once, or not at all.
"""

from collections.abc import Callable
from datetime import timedelta

from ulid import ULID

from shared.domain import forms
from shared.domain.bundles import Screening, checked_answers, screen
from shared.errors import ConcurrentUpdate, Conflict, NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import MaterialUploadRequest
from shared.models.application import Application, DeliveryRequest, FormValue, MaterialRecord
from shared.models.bundle_cases import (
    BundleApplicationRequest,
    BundleCase,
    BundleCaseView,
    BundleDraftRequest,
    BundleMaterialView,
    BundleMember,
    BundleMemberView,
    BundleStatus,
    SharedMaterialUpload,
)
from shared.models.bundles import Bundle
from shared.models.catalog import CatalogItem, MaterialRule, MaterialSource
from shared.models.common import ApplicationStatus, Channel, Stage, utc_now
from shared.models.ids import is_application_id
from shared.names import upload_key
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.documents import DocumentStore
from shared.ports.workflow import BundleWorkflow
from shared.services.applications import (
    EDITABLE_STATUSES,
    pinned_item,
    record_uploads,
    require_filing_right,
    safe_file_name,
)
from shared.services.bundles import CachedBundles

# An applicant files a bundle for themselves; an agent's or a clerk's bundle filing needs
# the applicant to confirm it as one, which is not built yet (README, "Not done yet").
BUNDLE_CHANNELS = frozenset({Channel.WEB, Channel.MOBILE})


def file_bundle(
    caller: Caller,
    bundle_id: str,
    request: BundleApplicationRequest,
    cases: ApplicationRepository,
    bundles: CachedBundles,
) -> tuple[BundleCase, list[Application]]:
    bundle = bundles.bundle(bundle_id)
    if request.channel not in BUNDLE_CHANNELS:
        offered = ", ".join(sorted(c.value for c in BUNDLE_CHANNELS))
        raise ValidationFailed(
            f"a bundle is filed by its applicant on {offered}; file its items one by one "
            f"on the {request.channel.value} channel",
            field="channel",
        )
    require_filing_right(caller, request.channel, request.applicant)
    screening = _screened(bundle, request.answers, bundles)
    held = bundles.items(screening.item_ids)
    items = {i: held[i] for i in screening.item_ids}
    _check_items(request.applicant.kind, request.delivery, items)
    _check_forms(
        bundle.shared_fields,
        request.shared_form,
        request.forms,
        items,
        lambda item: _member_form(bundle, request, item),
    )
    bundle_case_id = str(ULID())
    members = [
        _member_case(caller, bundle, bundle_case_id, request, items[item_id])
        for item_id in screening.item_ids
    ]
    bundle_case = BundleCase(
        bundle_case_id=bundle_case_id,
        bundle_id=bundle.bundle_id,
        name_zh=bundle.name_zh,
        name_en=bundle.name_en,
        lead_department=bundle.lead_department,
        owner_id=caller.sub,
        channel=request.channel,
        answers=screening.answers,
        shared_fields=list(bundle.shared_fields),
        shared_materials=list(bundle.shared_materials),
        members=_members(bundle, screening, members),
        critical_path_days=screening.critical_path_days,
    )
    cases.create_bundle_case(bundle_case, members)
    return bundle_case, members


def _screened(bundle: Bundle, answers: dict[str, str], bundles: CachedBundles) -> Screening:
    checked = checked_answers(bundle, answers)
    screening = screen(bundle, bundles.items(i.item_id for i in bundle.items), checked)
    if screening.exit is not None:
        instead = ", ".join(screening.exit.instead)
        raise ValidationFailed(
            f"{screening.exit.reason_en}" + (f" ({instead})" if instead else ""),
            field="answers",
        )
    return screening


def _check_items(kind: str, delivery: DeliveryRequest, items: dict[str, CatalogItem]) -> None:
    """Every member takes the applicant and the delivery chosen once for all of them."""
    for item_id, item in items.items():
        kinds = [k.value for k in item.applicant_kinds]
        if kind not in kinds:
            raise ValidationFailed(
                f"{item.name_en} ({item_id}) is for {' or '.join(kinds)} applicants, not {kind}",
                field="applicant.kind",
            )
        if delivery.mode not in item.delivery_modes:
            offered = ", ".join(m.value for m in item.delivery_modes)
            raise ValidationFailed(
                f"{item.name_en} ({item_id}) is delivered by {offered} only",
                field="delivery.mode",
            )


def _check_forms(
    shared_fields: list[str],
    shared_form: dict[str, FormValue] | None,
    own_forms: dict[str, dict[str, FormValue]],
    items: dict[str, CatalogItem],
    merged: Callable[[CatalogItem], dict[str, FormValue]],
) -> None:
    """Shared fields go in `sharedForm`, the rest in their item's `forms` entry; every
    misplaced or wrong value is named at once, where it was given."""
    problems: list[tuple[str, str]] = []
    for name in shared_form or {}:
        if name not in shared_fields:
            problems.append((f"sharedForm.{name}", "not a field the bundle's items share"))
    for item_id, form in own_forms.items():
        item = items.get(item_id)
        if item is None:
            problems.append((f"forms.{item_id}", "not an item of this bundle filing"))
            continue
        for name in form:
            if name in shared_fields:
                problems.append((f"forms.{item_id}.{name}", "shared: give it once in sharedForm"))
            elif item.form_field(name) is None:
                problems.append((f"forms.{item_id}.{name}", f"not a field of {item_id}"))
    problems += _value_problems(shared_fields, items, merged, {f for f, _ in problems})
    if problems:
        raise ValidationFailed(
            f"the forms have {len(problems)} problem(s): {', '.join(f for f, _ in problems)}",
            fields=problems,
        )


def _value_problems(
    shared_fields: list[str],
    items: dict[str, CatalogItem],
    merged: Callable[[CatalogItem], dict[str, FormValue]],
    misplaced: set[str],
) -> list[tuple[str, str]]:
    """Each wrong value once, where it was given: a shared one with the items it fails."""
    found: dict[str, list[tuple[str, str]]] = {}
    for item_id, item in items.items():
        for name, why in forms.form_problems(item, merged(item), require=False):
            field = name.removeprefix("form.")
            where = f"sharedForm.{field}" if field in shared_fields else f"forms.{item_id}.{field}"
            if where not in misplaced:
                found.setdefault(where, []).append((item_id, why))
    problems = []
    for where, failures in found.items():
        message = "; ".join(dict.fromkeys(why for _, why in failures))
        if where.startswith("sharedForm."):
            message += f" (for {', '.join(i for i, _ in failures)})"
        problems.append((where, message))
    return problems


def _member_form(
    bundle: Bundle, request: BundleApplicationRequest, item: CatalogItem
) -> dict[str, FormValue]:
    shared = {
        name: value
        for name, value in request.shared_form.items()
        if name in bundle.shared_fields and item.form_field(name) is not None
    }
    return {**shared, **request.forms.get(item.item_id, {})}


def _member_case(
    caller: Caller,
    bundle: Bundle,
    bundle_case_id: str,
    request: BundleApplicationRequest,
    item: CatalogItem,
) -> Application:
    form = _member_form(bundle, request, item)
    member = Application(
        application_id=str(ULID()),
        owner_id=caller.sub,
        item_id=item.item_id,
        item_version=item.version,
        bundle_id=bundle.bundle_id,
        bundle_case_id=bundle_case_id,
        applicant=request.applicant,
        form=forms.normalised(item, form),
        missing_fields=forms.missing_required(item, form),
        channel=request.channel,
        delivery=request.delivery,
    )
    member.record(
        Stage.APPLICATION,
        "created",
        caller.username,
        f"channel {request.channel.value}; {item.name_zh} (version {item.version}); "
        f"in {bundle.name_zh} {bundle_case_id}",
    )
    return member


def _members(bundle: Bundle, screening: Screening, cases: list[Application]) -> list[BundleMember]:
    wave_of = {i: n for n, wave in enumerate(screening.waves, start=1) for i in wave}
    case_of = {c.item_id: c.application_id for c in cases}
    after = {i.item_id: i.after for i in bundle.items}
    issues = {i.item_id: i.issues for i in bundle.items}
    return [
        BundleMember(
            item_id=item_id,
            application_id=case_of[item_id],
            wave=wave_of[item_id],
            waits_for=[a for a in after[item_id] if a in case_of],
            provided_by_results=[
                r.rule.code for r in screening.issued_in_bundle if item_id in r.item_ids
            ],
            issues=list(issues[item_id]),
        )
        for item_id in screening.item_ids
    ]


def update_bundle_draft(
    caller: Caller,
    bundle_case_id: str,
    request: BundleDraftRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
) -> tuple[BundleCase, list[Application]]:
    """Saves the bundle filing's draft on every member at once (one transaction): a shared
    field changes everywhere or nowhere. Checked as at filing, against the item versions
    the members pinned; every member must still be a draft."""
    bundle_case = get_own_bundle_case(caller, bundle_case_id, cases)
    members = _member_cases(bundle_case, cases)
    for case in members:
        if case.status is not ApplicationStatus.DRAFT:
            raise Conflict(
                f"{case.application_id} ({case.item_id}) is {case.status}: the bundle filing "
                "can no longer be edited",
                field="status",
            )
        wanted = request.versions.get(case.application_id)
        if wanted is not None and wanted != case.version:
            raise ConcurrentUpdate(
                f"{case.application_id} is at version {case.version}, not {wanted}: it was "
                "saved from elsewhere since; reload the bundle application",
                field=f"versions.{case.application_id}",
            )
    if unknown := sorted(set(request.versions) - set(bundle_case.application_ids)):
        raise ValidationFailed(
            f"{unknown[0]} is not a member of this bundle filing", field=f"versions.{unknown[0]}"
        )
    items = {m.item_id: pinned_item(m, catalog) for m in members}
    by_item = {m.item_id: m for m in members}
    _check_items(
        (request.applicant or members[0].applicant).kind,
        request.delivery or members[0].delivery,
        items,
    )
    _check_forms(
        bundle_case.shared_fields,
        request.shared_form,
        request.forms,
        items,
        lambda item: _redrafted(bundle_case, request, by_item[item.item_id], item),
    )
    now = utc_now()
    for case in members:
        item = items[case.item_id]
        case.form = forms.normalised(item, _redrafted(bundle_case, request, case, item))
        case.missing_fields = forms.missing_required(item, case.form)
        case.applicant = request.applicant or case.applicant
        case.delivery = request.delivery or case.delivery
        case.updated_at = now
    cases.save_bundle_drafts(members)
    return bundle_case, members


def _redrafted(
    bundle_case: BundleCase, request: BundleDraftRequest, case: Application, item: CatalogItem
) -> dict[str, FormValue]:
    """The member's form with the given parts replaced: the shared fields it has from
    `sharedForm`, its own fields from its `forms` entry."""
    shared = set(bundle_case.shared_fields)
    kept_shared = {k: v for k, v in case.form.items() if k in shared}
    kept_own = {k: v for k, v in case.form.items() if k not in shared}
    if request.shared_form is not None:
        kept_shared = {
            k: v
            for k, v in request.shared_form.items()
            if k in shared and item.form_field(k) is not None
        }
    own = request.forms.get(case.item_id, kept_own)
    return {**kept_shared, **own}


def submit_bundle(
    caller: Caller,
    bundle_case_id: str,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    store: DocumentStore,
    workflow: BundleWorkflow,
) -> tuple[BundleCase, list[Application]]:
    """Submits every member at once and starts the bundle machine, which runs them wave by
    wave. Refused, with nothing written, while a required field or material of any member
    is missing (all of them named); S3 is asked for each upload before anything changes,
    as at a single case's submit."""
    bundle_case = get_own_bundle_case(caller, bundle_case_id, cases)
    if bundle_case.status is not BundleStatus.DRAFT:
        raise Conflict(
            f"the bundle application is {bundle_case.status.value}: it was submitted already",
            field="status",
        )
    members = _member_cases(bundle_case, cases)
    for case in members:
        if case.status is not ApplicationStatus.DRAFT:
            raise Conflict(
                f"{case.application_id} ({case.item_id}) is {case.status.value}, not a draft",
                field="status",
            )
    items = {m.item_id: pinned_item(m, catalog) for m in members}
    _require_complete(bundle_case, members, items)
    uploads = {c.application_id: record_uploads(c, store) for c in members}
    for case in members:
        cases.put_materials(case.application_id, uploads[case.application_id])
    by_item = {m.item_id: m for m in bundle_case.members}
    for case in members:
        waits = by_item[case.item_id].waits_for
        case.submission_count += 1
        case.move_to(
            ApplicationStatus.SUBMITTED,
            Stage.APPLICATION,
            caller.username,
            f"with bundle application {bundle_case_id}"
            + (f"; runs once {', '.join(waits)} is issued" if waits else ""),
        )
    bundle_case.status = BundleStatus.RUNNING
    bundle_case.submitted_at = utc_now()
    cases.save_bundle_case(bundle_case, members)
    try:
        workflow.start_bundle(bundle_case_id, bundle_case.waves)
    except Conflict:
        pass  # started already: a repeated submit changes nothing
    except Exception:
        _back_to_draft(caller, bundle_case, members, cases)
        raise
    return bundle_case, members


def _require_complete(
    bundle_case: BundleCase, members: list[Application], items: dict[str, CatalogItem]
) -> None:
    """Every required field and every required material the applicant provides, for the
    whole bundle in one answer (a shared one named once, as it is given once)."""
    shared = set(bundle_case.shared_fields)
    fields = sorted(
        {
            f"sharedForm.{name}" if name in shared else f"forms.{case.item_id}.{name}"
            for case in members
            for name in case.missing_fields
        }
    )
    materials = [
        f"materials.{view.code} ({', '.join(view.item_ids)})"
        for view in _materials(bundle_case, members, items)
        if view.required and not view.uploaded_on
    ]
    missing = fields + materials
    if missing:
        raise ValidationFailed(
            f"still to provide before submitting: {'; '.join(missing)}",
            field=missing[0].split(" ")[0],
        )


def _back_to_draft(
    caller: Caller,
    bundle_case: BundleCase,
    members: list[Application],
    cases: ApplicationRepository,
) -> None:
    """Never RUNNING without an execution behind it: back to the applicant."""
    for case in members:
        case.move_to(
            ApplicationStatus.DRAFT,
            Stage.APPLICATION,
            "system",
            "the bundle submission could not start; please submit again",
        )
    bundle_case.status = BundleStatus.DRAFT
    bundle_case.submitted_at = None
    cases.save_bundle_case(bundle_case, members)


def get_own_bundle_case(
    caller: Caller, bundle_case_id: str, cases: ApplicationRepository
) -> BundleCase:
    found = cases.get_bundle_case(bundle_case_id) if is_application_id(bundle_case_id) else None
    # Another person's is reported as absent, not forbidden: ids are not confirmed.
    if found is None or found.owner_id != caller.sub:
        raise NotFound(f"bundle application {bundle_case_id} not found", field="bundleCaseId")
    return found


def _member_cases(bundle_case: BundleCase, cases: ApplicationRepository) -> list[Application]:
    """Each member's case: one read per member, bounded by the bundle's size (30 at most)."""
    found = []
    for member in bundle_case.members:
        case = cases.get_application(member.application_id)
        if case is None:  # written with the bundle case: only a table restored in part
            raise NotFound(
                f"member {member.application_id} of {bundle_case.bundle_case_id} is gone",
                field="bundleCaseId",
            )
        found.append(case)
    return found


def bundle_case_view(
    bundle_case: BundleCase,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    members: list[Application] | None = None,
) -> BundleCaseView:
    """The filing as its owner sees it; `members` when the caller holds them already
    (just written), else each is read."""
    members = members if members is not None else _member_cases(bundle_case, cases)
    items = {m.item_id: pinned_item(m, catalog) for m in members}
    waves: dict[int, list[str]] = {}
    for member in bundle_case.members:
        waves.setdefault(member.wave, []).append(member.item_id)
    return BundleCaseView(
        bundle_case_id=bundle_case.bundle_case_id,
        bundle_id=bundle_case.bundle_id,
        name_zh=bundle_case.name_zh,
        name_en=bundle_case.name_en,
        lead_department=bundle_case.lead_department,
        channel=bundle_case.channel,
        answers=bundle_case.answers,
        shared_fields=bundle_case.shared_fields,
        members=[
            _member_view(m, c, items[c.item_id])
            for m, c in zip(bundle_case.members, members, strict=True)
        ],
        waves=[waves[n] for n in sorted(waves)],
        materials=_materials(bundle_case, members, items),
        critical_path_days=bundle_case.critical_path_days,
        created_at=bundle_case.created_at,
        status=bundle_case.status,
        submitted_at=bundle_case.submitted_at,
        concluded_at=bundle_case.concluded_at,
        results=bundle_case.results,
        failure=bundle_case.failure,
    )


def _member_view(member: BundleMember, case: Application, item: CatalogItem) -> BundleMemberView:
    return BundleMemberView(
        item_id=member.item_id,
        name_zh=item.name_zh,
        name_en=item.name_en,
        application_id=member.application_id,
        wave=member.wave,
        waits_for=member.waits_for,
        status=case.status,
        version=case.version,
        missing_fields=case.missing_fields if case.status is ApplicationStatus.DRAFT else [],
        due_at=case.due_at,
    )


def _materials(
    bundle_case: BundleCase, members: list[Application], items: dict[str, CatalogItem]
) -> list[BundleMaterialView]:
    """The materials the applicant provides: a shared one once, the rest per member;
    those the system obtains or an earlier member's result stands for are left out."""
    provided = {m.item_id: set(m.provided_by_results) for m in bundle_case.members}
    views: dict[tuple[str, str], BundleMaterialView] = {}
    for case in members:
        for rule in items[case.item_id].materials:
            if rule.source != MaterialSource.APPLICANT or rule.code in provided[case.item_id]:
                continue
            shared = rule.code in bundle_case.shared_materials
            key = (rule.code, "" if shared else case.item_id)
            view = views.setdefault(
                key,
                BundleMaterialView(
                    code=rule.code,
                    name_zh=rule.name_zh,
                    name_en=rule.name_en,
                    required=False,
                    shared=shared,
                    item_ids=[],
                    uploaded_on=[],
                ),
            )
            view.required = view.required or rule.required
            view.item_ids.append(case.item_id)
            if rule.code in case.materials:
                view.uploaded_on.append(case.item_id)
    return list(views.values())


def request_shared_upload(
    caller: Caller,
    bundle_case_id: str,
    request: MaterialUploadRequest,
    cases: ApplicationRepository,
    catalog: CatalogRepository,
    store: DocumentStore,
    ttl: int,
) -> SharedMaterialUpload:
    """One presigned POST for a shared material, its record put on every member that asks
    for it: the file is stored once and each member's acceptance checks the same object."""
    bundle_case = get_own_bundle_case(caller, bundle_case_id, cases)
    code = request.material_code
    if code not in bundle_case.shared_materials:
        raise ValidationFailed(
            f"{code} is not a material the bundle's items share; upload it on its member's "
            "case (POST /applications/{applicationId}/materials)",
            field="materialCode",
        )
    takers = _takers(bundle_case, _member_cases(bundle_case, cases), code, catalog)
    rules = [rule for _, rule in takers]
    types = [t for t in rules[0].content_types if all(t in r.content_types for r in rules)]
    if request.content_type not in types:
        raise ValidationFailed(f"contentType must be one of {types}", field="contentType")
    limit = min(r.max_size_bytes for r in rules)
    if request.size > limit:
        raise ValidationFailed(f"size exceeds the limit of {limit} bytes", field="size")
    key = upload_key(bundle_case_id, code, safe_file_name(request.file_name))
    post = store.presigned_upload(key, request.content_type, request.size, ttl)
    now = utc_now()
    record = MaterialRecord(
        code=code,
        file_name=request.file_name,
        content_type=request.content_type,
        declared_size=request.size,
        s3_key=key,
        requested_at=now,
    )
    # On every taker or none: the members never disagree about the shared file.
    cases.put_shared_material([c.application_id for c, _ in takers], record)
    return SharedMaterialUpload(
        url=post["url"],
        fields=post["fields"],
        key=key,
        expires_at=now + timedelta(seconds=ttl),
        max_size=request.size,
        application_ids=[c.application_id for c, _ in takers],
    )


def _takers(
    bundle_case: BundleCase, members: list[Application], code: str, catalog: CatalogRepository
) -> list[tuple[Application, MaterialRule]]:
    """The members that ask the applicant for the material, each with its rule for it."""
    provided = {m.application_id: set(m.provided_by_results) for m in bundle_case.members}
    takers = []
    for case in members:
        rule = pinned_item(case, catalog).material(code)
        if rule is None or not rule.uploaded or code in provided[case.application_id]:
            continue
        if case.status not in EDITABLE_STATUSES:
            raise Conflict(
                f"materials cannot change while {case.application_id} is {case.status}",
                field="status",
            )
        takers.append((case, rule))
    if not takers:
        raise ValidationFailed(
            f"no item of this filing asks for {code}: an earlier item's result stands for it",
            field="materialCode",
        )
    return takers
