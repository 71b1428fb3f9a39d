"""The shape the code keeps: use cases that load no AWS SDK, one translation of AWS errors,
one table of status transitions, one definition of each id."""

import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

from shared.adapters.aws_errors import translate
from shared.domain.status import TRANSITIONS, InvalidTransition, can_move, is_final
from shared.errors import Conflict, TransientError
from shared.models.common import ApplicationStatus, Stage
from shared.models.ids import is_application_id, parse_task_id, task_id_for
from tests.unit.fakes import new_application

S = ApplicationStatus

USE_CASES = [
    "shared.services.applications",
    "shared.services.tasks",
    "shared.services.catalog",
    "shared.services.catalog_import",
    "shared.services.bundles",
    "shared.services.certificates",
    "shared.services.projects",
    "shared.stages.acceptance",
    "shared.stages.approval",
    "shared.stages.supplement",
    "shared.stages.issuance",
    "shared.stages.delivery",
    "shared.stages.feedback",
    "shared.stages.failure",
]


def test_importing_every_use_case_loads_no_aws_sdk() -> None:
    # Given a fresh interpreter; When every use case and stage is imported
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in USE_CASES)
        + "sdk = {'boto3', 'botocore', 's3transfer'}\n"
        + "print(sorted({m.split('.')[0] for m in sys.modules} & sdk))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Then neither boto3 nor botocore is loaded: they depend on ports, not adapters
    assert done.stdout.strip() == "[]", done.stderr


def _error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict = {"Error": {"Code": code, "Message": code}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


LOST = Conflict("the case changed", field="applicationId")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_error("ThrottlingException"), TransientError),
        (_error("ProvisionedThroughputExceededException"), TransientError),
        (_error("InternalServerError"), TransientError),
        (_error("ConditionalCheckFailedException"), Conflict),
        # A transaction is read reason by reason: throttled or meeting another one is
        # transient (retry), not a conflict, even if another item's condition also failed
        (_error("TransactionCanceledException", ["None", "ThrottlingError"]), TransientError),
        (
            _error(
                "TransactionCanceledException", ["ConditionalCheckFailed", "TransactionConflict"]
            ),
            TransientError,
        ),
        (_error("TransactionCanceledException", ["None", "ConditionalCheckFailed"]), Conflict),
        # Anything else is a bug to see, not to hide
        (_error("TransactionCanceledException", ["ValidationError"]), ClientError),
        (_error("ValidationException"), ClientError),
    ],
)
def test_one_translation_of_aws_errors(error: ClientError, expected: type[Exception]) -> None:
    translated = translate(error, LOST)
    assert type(translated) is expected
    if expected is Conflict:
        assert translated is LOST


def test_a_failed_condition_without_a_meaning_stays_an_sdk_error() -> None:
    assert isinstance(translate(_error("ConditionalCheckFailedException")), ClientError)


def test_the_transition_table_covers_every_status_and_ends_in_final_ones() -> None:
    assert set(TRANSITIONS) == set(S)
    for status, targets in TRANSITIONS.items():
        assert is_final(status) == (not targets)
        # Any open case can fail for good; a final one moves nowhere
        assert (S.FAILED in targets) == (not is_final(status))


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.DRAFT, S.SUBMITTED, True),
        (S.SUBMITTED, S.IN_APPROVAL, True),
        (S.RETURNED, S.SUBMITTED, True),
        (S.IN_APPROVAL, S.APPROVED, True),
        (S.APPROVED, S.ISSUED, True),
        (S.ISSUED, S.DELIVERED, True),
        (S.DELIVERED, S.COMPLETED, True),
        (S.DRAFT, S.IN_APPROVAL, False),  # acceptance cannot be skipped
        (S.IN_APPROVAL, S.ISSUED, False),  # nor the decision
        (S.COMPLETED, S.DRAFT, False),
        (S.FAILED, S.SUBMITTED, False),  # a failed case is not resubmitted
        (S.NOT_ACCEPTED, S.SUBMITTED, False),
    ],
)
def test_moves_are_checked_against_the_table(current: S, target: S, allowed: bool) -> None:
    assert can_move(current, target) is allowed
    case = new_application(status=current)
    if allowed:
        case.move_to(target, Stage.WORKFLOW, "system")
        assert case.status is target and case.new_events[-1].action == target.value.lower()
    else:
        with pytest.raises(InvalidTransition) as raised:
            case.move_to(target, Stage.WORKFLOW, "system")
        assert raised.value.field == "status" and case.status is current
        assert case.new_events == []


def test_one_definition_of_the_ids() -> None:
    assert is_application_id("01JAPP0000000000000000000A")
    assert not is_application_id("01JAPPLICATION000000000000")  # I, L, O are not Crockford
    task = task_id_for("01JAPP0000000000000000000A", "POWER")
    assert parse_task_id(task) == ("01JAPP0000000000000000000A", "POWER")
    assert parse_task_id("../etc/passwd") is None
