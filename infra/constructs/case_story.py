"""One case's story (issue 14): a saved CloudWatch Logs Insights query over the API's and
every stage's log groups and the case machine's execution log, printing one case's lines in
order. The functions' lines name the case (`application_id`, shared/observability.py); the
execution is named by the case, so its lines are found by their execution ARN."""

from collections.abc import Iterable

from aws_cdk import aws_logs as logs
from constructs import Construct

QUERY_NAME = "onewindow/case-story"
PLACEHOLDER = "APPLICATION-ID"

CASE_STORY_QUERY = logs.QueryString(
    fields=[
        "@timestamp",
        "@log",
        "coalesce(step, route, type) as what",
        "coalesce(outcome, status, details.error) as result",
        "message",
        "correlation_id",
    ],
    filter_statements=[
        f'application_id = "{PLACEHOLDER}" or execution_arn like /:{PLACEHOLDER}$/',
    ],
    sort="@timestamp asc",
    limit=1000,
)


class CaseStory(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, log_groups: Iterable[logs.ILogGroup]
    ) -> None:
        super().__init__(scope, construct_id)
        self.query = logs.QueryDefinition(
            self,
            "Query",
            query_definition_name=QUERY_NAME,
            query_string=CASE_STORY_QUERY,
            log_groups=list(log_groups),
        )
