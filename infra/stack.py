"""The OneWindow stack: composes the constructs, wires them together, names the outputs."""

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import CfnOutput, NestedStack, Stack, Tags
from constructs import Construct

from infra import constants as c
from infra.constructs import (
    Api,
    Data,
    Documents,
    Functions,
    Identity,
    Monitoring,
    StreamConsumer,
    Watchers,
    Workflow,
    grant_least_privilege,
)
from infra.constructs.case_story import CaseStory
from infra.constructs.catalog import ShippedCatalog
from infra.constructs.tracing import Tracing
from infra.constructs.web import Web
from infra.constructs.workflow import BUNDLE_ASL_PATH
from shared.models.catalog import Catalog
from shared.stages.audit import AUDITED_SUBJECTS
from shared.stages.stats import TALLIED_RECORDS

CATALOG_FILE = Path(__file__).resolve().parent.parent / "shared" / "data" / "catalog.json"
TAGS = {"project": c.SERVICE_NAME, "managed-by": "cdk"}


def load_department_codes(catalog_file: Path = CATALOG_FILE) -> list[str]:
    """Department codes of the catalog, validated by the same model the API serves."""
    catalog = Catalog.model_validate_json(catalog_file.read_text(encoding="utf-8"))
    return [department.code for department in catalog.departments]


class OneWindowStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str = c.STACK_NAME,
        *,
        department_codes: Sequence[str] | None = None,
        allowed_origins: Sequence[str] = ("*",),
        catalog_source: str = "shipped",
        **kwargs: object,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description="OneWindow: one-stop government services (1+3+N)",
            **kwargs,  # type: ignore[arg-type]
        )
        for key, value in TAGS.items():
            Tags.of(self).add(key, value)
        codes = list(load_department_codes() if department_codes is None else department_codes)

        self.data = Data(self, "Data")
        self.documents = Documents(self, "Documents", allowed_origins=allowed_origins)
        self.identity = Identity(self, "Identity", department_codes=codes)
        self.functions = Functions(
            self,
            "Functions",
            environment={
                "TABLE_NAME": self.data.table.table_name,
                "IDEMPOTENCY_TABLE_NAME": self.data.idempotency_table.table_name,
                "AUDIT_TABLE_NAME": self.data.audit_table.table_name,
                "STATS_TABLE_NAME": self.data.stats_table.table_name,
                "DOCUMENTS_BUCKET": self.documents.bucket.bucket_name,
                **c.SETTING_DEFAULTS,
            },
        )
        # The stage functions go into the state machine; the api function, which starts it,
        # is not one of them, so its STATE_MACHINE_ARN creates no cycle.
        self.workflow = Workflow(
            self,
            "Workflow",
            stage_functions={key: self.functions[key] for key in c.ASL_FUNCTIONS},
        )
        self.functions.provide_env(
            "STATE_MACHINE_ARN", self.workflow.state_machine.state_machine_arn
        )
        # 一件事: a bundle's members run through the case machine, wave by wave.
        self.bundle_workflow = Workflow(
            self,
            "BundleWorkflow",
            stage_functions={key: self.functions[key] for key in c.BUNDLE_ASL_FUNCTIONS},
            definition_file=BUNDLE_ASL_PATH,
            function_keys=c.BUNDLE_ASL_FUNCTIONS,
            substitutions={
                c.APPLICATION_MACHINE_SUBSTITUTION: self.workflow.state_machine.state_machine_arn
            },
            log_name="bundle",
        )
        self.bundle_workflow.allow_running(self.workflow.state_machine)
        self.functions.provide_env(
            "BUNDLE_STATE_MACHINE_ARN", self.bundle_workflow.state_machine.state_machine_arn
        )
        missing = self.functions.missing_env()
        if missing:
            raise ValueError(f"functions lack environment variables: {missing}")
        grant_least_privilege(
            self.functions, self.data, self.documents, self.workflow, self.bundle_workflow
        )
        # A new stack serves the shipped catalog at once (the import runs at deployment).
        self.catalog = ShippedCatalog(
            self,
            "Catalog",
            functions=self.functions,
            table=self.data.table,
            source=catalog_source,
        )
        self.identity.add_sign_up_trigger(self.functions["signup"], self.functions.roles["signup"])
        self.watchers = Watchers(
            self,
            "Watchers",
            state_machine=self.workflow.state_machine,
            deadlines=self.functions["deadlines"],
            reconcile=self.functions["reconcile"],
        )

        self.audit_feed = StreamConsumer(
            self,
            "AuditFeed",
            table=self.data.table,
            function=self.functions["audit"],
            keys={c.TABLE_PK: AUDITED_SUBJECTS},
            dead_letter_id="AuditDlq",
        )
        self.stats_feed = StreamConsumer(
            self,
            "StatsFeed",
            table=self.data.table,
            function=self.functions["stats"],
            keys=TALLIED_RECORDS,
            dead_letter_id="StatsDlq",
        )

        self.api = Api(
            self,
            "Api",
            handler=self.functions["api"],
            user_pool=self.identity.user_pool,
            allowed_origins=allowed_origins,
        )
        # In a nested stack of its own: the alarms and the dashboard would take the stack
        # past CloudFormation's 500 resources (the API's routes hold most of them).
        self.monitoring_stack = NestedStack(self, "Monitoring")
        self.monitoring = Monitoring(
            self.monitoring_stack,
            "Monitoring",
            functions=self.functions.functions,
            state_machine=self.workflow.state_machine,
            rest_api=self.api.rest_api,
            dead_letter_queues={
                "UnsettledExecutionsDlq": self.watchers.dead_letters,
                "AuditDlq": self.audit_feed.dead_letters,
                "StatsDlq": self.stats_feed.dead_letters,
            },
        )
        self.case_story = CaseStory(
            self,
            "CaseStory",
            log_groups=[
                *self.functions.log_groups.values(),
                self.workflow.log_group,
                self.bundle_workflow.log_group,
            ],
        )
        self.tracing = Tracing(
            self,
            "Tracing",
            rest_api=self.api.rest_api,
            state_machine=self.workflow.state_machine,
        )
        self.web = Web(
            self,
            "Web",
            rest_api=self.api.rest_api,
            user_pool=self.identity.user_pool,
            client=self.identity.client,
        )
        self._add_outputs()

    def _add_outputs(self) -> None:
        outputs = {
            "ApiUrl": self.api.url,
            "WebUrl": self.web.url,
            "UserPoolId": self.identity.user_pool.user_pool_id,
            "UserPoolClientId": self.identity.client.user_pool_client_id,
            "DocumentsBucketName": self.documents.bucket.bucket_name,
            "StateMachineArn": self.workflow.state_machine.state_machine_arn,
            "BundleStateMachineArn": self.bundle_workflow.state_machine.state_machine_arn,
            "TableName": self.data.table.table_name,
            "OpsAlarmTopicArn": self.monitoring.topic.topic_arn,
            "DashboardName": self.monitoring.dashboard.dashboard_name,
            "AuditTableName": self.data.audit_table.table_name,
            "StatsTableName": self.data.stats_table.table_name,
        }
        for name, value in outputs.items():
            CfnOutput(self, name, value=value)
