"""Lambda: one function per stage, sharing one dependency layer and one set of defaults."""

from collections.abc import Mapping

from aws_cdk import AssetHashType, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import bundling
from infra import constants as c
from infra.constructs.nag import acknowledge

RUNTIME = lambda_.Runtime(c.LAMBDA_RUNTIME, lambda_.RuntimeFamily.PYTHON)
ARCHITECTURE = lambda_.Architecture.ARM_64

_RETENTION = {
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


def log_retention(days: int = c.LOG_RETENTION_DAYS) -> logs.RetentionDays:
    """CloudWatch accepts only some retention periods; fail at synth on any other."""
    try:
        return _RETENTION[days]
    except KeyError:
        raise ValueError(f"unsupported log retention of {days} days") from None


def id_prefix(key: str) -> str:
    return key.capitalize()


class Functions(Construct):
    """Builds every function in constants.FUNCTIONS with the same defaults.

    `environment` holds the values known up front (table and bucket names, setting
    defaults); each function takes exactly the names constants.FUNCTION_ENV lists for it.
    Values that depend on later resources (the state machine ARN) come in through
    `provide_env`, and `missing_env` reports whatever is still owed.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.layer = self._build_layer()
        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        self._owed: dict[str, set[str]] = {}
        for key, sizing in c.FUNCTIONS.items():
            wanted = c.FUNCTION_ENV[key]
            env = {name: environment[name] for name in wanted if name in environment}
            self._owed[key] = set(wanted) - set(env)
            self.functions[key] = self.build_function(key, sizing, env)

    def __getitem__(self, key: str) -> lambda_.Function:
        return self.functions[key]

    def provide_env(self, name: str, value: str) -> None:
        """Sets `name` on every function whose FUNCTION_ENV lists it."""
        for key, owed in self._owed.items():
            if name in owed:
                self.functions[key].add_environment(name, value)
                owed.discard(name)

    def missing_env(self) -> dict[str, list[str]]:
        return {key: sorted(owed) for key, owed in self._owed.items() if owed}

    def _build_layer(self) -> lambda_.LayerVersion:
        layer_dir = bundling.build_layer()
        digest = bundling.layer_hash()
        return lambda_.LayerVersion(
            self,
            "DependenciesLayer",
            # The content is a pure function of the requirements and pip's target, so the
            # hash of those names the asset; CDK need not fingerprint ~45 MB on each synth.
            code=lambda_.Code.from_asset(
                str(layer_dir), asset_hash=digest, asset_hash_type=AssetHashType.CUSTOM
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=f"OneWindow dependencies (functions/requirements.txt {digest[:12]})",
        )

    def build_function(
        self, key: str, sizing: Mapping[str, int], env: Mapping[str, str]
    ) -> lambda_.Function:
        """functions/<key> with every function's defaults (its own role and log group, the
        layer, tracing, JSON logs); the constructor builds those of constants.FUNCTIONS, and
        a construct may build one of its own (the catalog's deployment-time import)."""
        name = id_prefix(key)
        log_group = logs.LogGroup(self, f"{name}Logs", retention=log_retention())
        role = iam.Role(
            self,
            f"{name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"OneWindow {key} function",
        )
        # Instead of AWSLambdaBasicExecutionRole (any log group): this function's only.
        log_group.grant_write(role)
        self.roles[key] = role
        self.log_groups[key] = log_group
        function = lambda_.Function(
            self,
            f"{name}Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=f"functions.{key}.handler.handler",
            code=lambda_.Code.from_asset(str(bundling.stage_function(key))),
            layers=[self.layer],
            memory_size=sizing["memory"],
            timeout=Duration.seconds(sizing["timeout"]),
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            tracing=lambda_.Tracing.ACTIVE,
            environment={**c.runtime_environment(key), **env},
            description=f"OneWindow {key}",
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            f"Pinned to {c.LAMBDA_RUNTIME} (infra/constants.py): the layer is built from "
            "cp313 wheels and the code is tested on 3.13; a newer runtime is a deliberate "
            "upgrade of both.",
        )
        acknowledge(
            role,  # the finding is on the role's DefaultPolicy
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support "
            "resource-level permissions.",
        )
        return function
