"""同类事项合并审批: a department that reviews several members of one bundle filing sees one
task covering all of them and decides each item in it, in one request.

Each member keeps its own review and its own task token underneath (the case workflow is
the one every case runs), so a decision here is exactly the one the single-task route
makes, member by member. A member of a later wave joins the bundle task when its wave
reaches the department.
"""

from shared.errors import NotFound, ValidationFailed
from shared.identity import Caller
from shared.models.api import (
    BatchDecisionItem,
    BatchDecisionRequest,
    BatchDecisionResponse,
    task_view,
)
from shared.models.bundle_cases import (
    BundleCase,
    BundleDecisionRequest,
    BundleStatus,
    BundleTaskItem,
    BundleTaskView,
)
from shared.models.common import ApplicationStatus
from shared.models.ids import is_application_id, task_id_for
from shared.ports.applications import ApplicationRepository
from shared.ports.catalog import CatalogRepository
from shared.ports.tasks import TaskRepository
from shared.ports.workflow import Workflow
from shared.services.department_tasks import own_department
from shared.services.tasks import decide_many


def bundle_task(
    caller: Caller,
    bundle_case_id: str,
    department: str | None,
    cases: ApplicationRepository,
    tasks: TaskRepository,
    catalog: CatalogRepository,
) -> BundleTaskView:
    """The department's members of the bundle with their tasks: the bundle case, the
    members' headers in one batch read, then per member its item and its task (at most 30
    members)."""
    department = own_department(caller, department, "bundle tasks")
    bundle_case = _bundle_case(bundle_case_id, cases)
    headers = cases.case_summaries([m.application_id for m in bundle_case.members])
    items = []
    for member in bundle_case.members:
        item = catalog.get_catalog_item(member.item_id)
        if item is None or department not in item.departments:
            continue
        review = tasks.get_task(task_id_for(member.application_id, department))
        header = headers.get(member.application_id)
        status = header.status if header is not None else ApplicationStatus.DRAFT
        items.append(
            BundleTaskItem(
                item_id=member.item_id,
                name_zh=item.name_zh,
                name_en=item.name_en,
                application_id=member.application_id,
                wave=member.wave,
                member_status=status,
                task=task_view(review) if review is not None else None,
            )
        )
    if not items:
        # Not this department's bundle: reported as absent, as another's case is.
        raise NotFound(
            f"bundle application {bundle_case_id} has no item for {department}",
            field="bundleCaseId",
        )
    return BundleTaskView(
        bundle_case_id=bundle_case.bundle_case_id,
        bundle_id=bundle_case.bundle_id,
        name_zh=bundle_case.name_zh,
        name_en=bundle_case.name_en,
        department=department,
        items=items,
        pending=sum(1 for i in items if i.task is not None and i.task.status == "PENDING"),
    )


def decide_bundle_task(
    caller: Caller,
    bundle_case_id: str,
    request: BundleDecisionRequest,
    cases: ApplicationRepository,
    tasks: TaskRepository,
    workflow: Workflow,
) -> BatchDecisionResponse:
    """Each item's decision as the single decision route makes it, on that member's task
    of the department; one refused (not reached the department yet, decided already, a
    rejection without reasons) is that item's outcome and the rest go on."""
    department = own_department(caller, request.department, "bundle tasks")
    bundle_case = _bundle_case(bundle_case_id, cases)
    by_item = {m.item_id: m for m in bundle_case.members}
    for n, decision in enumerate(request.decisions):
        if decision.item_id not in by_item:
            raise ValidationFailed(
                f"{decision.item_id} is not an item of bundle application {bundle_case_id}",
                field=f"decisions.{n}.itemId",
            )
    batch = BatchDecisionRequest(
        decisions=[
            BatchDecisionItem(
                task_id=task_id_for(by_item[d.item_id].application_id, department),
                decision=d.decision,
                comment=d.comment,
            )
            for d in request.decisions
        ]
    )
    return decide_many(caller, batch, tasks, cases, workflow)


def _bundle_case(bundle_case_id: str, cases: ApplicationRepository) -> BundleCase:
    found = cases.get_bundle_case(bundle_case_id) if is_application_id(bundle_case_id) else None
    # A draft is its applicant's alone: no department has anything of it yet.
    if found is None or found.status is BundleStatus.DRAFT:
        raise NotFound(f"bundle application {bundle_case_id} not found", field="bundleCaseId")
    return found
