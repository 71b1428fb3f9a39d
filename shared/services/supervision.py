"""电子监察 for the people who watch: the centre's supervisors see every department's late
tasks; a department's leads, to whom its late tasks escalate, see their department's."""

from shared.errors import Forbidden
from shared.identity import Caller
from shared.models.application import Review
from shared.models.common import utc_now
from shared.ports.page import Page
from shared.ports.tasks import TaskRepository


def overdue_tasks(
    caller: Caller, department: str | None, limit: int, cursor: str | None, tasks: TaskRepository
) -> Page[Review]:
    """Late tasks, the longest late first: every department's for a supervisor (marked by
    the sweep), or one department's for a supervisor or that department's lead (read from
    its inbox, so a task late since the last sweep is listed too)."""
    if department is None:
        if not caller.is_supervisor:
            raise Forbidden(
                "only the centre's supervisors see every department; a lead names theirs",
                field="department",
            )
        return tasks.list_overdue_tasks(limit, cursor)
    if not (caller.is_supervisor or caller.leads(department)):
        raise Forbidden(
            f"only supervisors and the leads of {department} see its late tasks",
            field="department",
        )
    page = tasks.list_department_tasks_due(department, utc_now(), limit, cursor)
    # A task held by a stopped clock keeps its old due time: it is not late.
    return Page([r for r in page.items if not r.paused_since], page.next_cursor, page.scanned)
