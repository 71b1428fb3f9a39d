"""Lambda: one function per stage with the house defaults, and the assets they run."""

import pytest
from aws_cdk.assertions import Match

from infra import bundling
from infra import constants as c


@pytest.mark.parametrize("key", list(c.FUNCTIONS))
def test_function_uses_the_house_defaults(synth, key):
    # Given a function from constants.FUNCTIONS
    _, function = synth.function(key)
    properties = function["Properties"]
    # When synthesized
    # Then it runs python3.13 on ARM64 with its own memory/timeout, JSON logs and X-Ray
    assert properties["Runtime"] == c.LAMBDA_RUNTIME == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    assert properties["MemorySize"] == c.FUNCTIONS[key]["memory"]
    assert properties["Timeout"] == c.FUNCTIONS[key]["timeout"]
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"
    assert properties["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    assert len(properties["Layers"]) == 1


@pytest.mark.parametrize("key", list(c.FUNCTIONS))
def test_function_gets_exactly_its_environment(synth, key):
    # Given a function and the variables constants.FUNCTION_ENV lists for it
    _, function = synth.function(key)
    variables = function["Properties"]["Environment"]["Variables"]
    # When synthesized
    # Then it has exactly those plus the runtime ones (Powertools, pydantic), nothing more
    assert set(variables) == {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
        "PYDANTIC_DISABLE_PLUGINS",
        *c.FUNCTION_ENV[key],
    }
    assert variables["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert variables["POWERTOOLS_SERVICE_NAME"] == f"onewindow-{key}"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "OneWindow"
    assert variables["POWERTOOLS_LOG_LEVEL"] == "INFO"
    for name, default in c.SETTING_DEFAULTS.items():
        if name in variables:
            assert variables[name] == default


def test_environment_values_point_at_the_right_resources(synth):
    # Given the api function, which needs every resource name
    _, function = synth.function("api")
    variables = function["Properties"]["Environment"]["Variables"]
    tables = synth.of_type("AWS::DynamoDB::GlobalTable")
    main = next(k for k, t in tables.items() if t["Properties"].get("GlobalSecondaryIndexes"))
    idempotency = next(k for k in tables if k != main)
    machine, _ = synth.state_machine()
    # When synthesized; Then each variable references its resource
    assert variables["TABLE_NAME"] == {"Ref": main}
    assert variables["IDEMPOTENCY_TABLE_NAME"] == {"Ref": idempotency}
    assert variables["STATE_MACHINE_ARN"] == {"Ref": machine}
    assert variables["BUNDLE_STATE_MACHINE_ARN"] == {
        "Ref": synth.state_machine("BundleWorkflow")[0]
    }
    assert variables["DOCUMENTS_BUCKET"]["Ref"] in synth.of_type("AWS::S3::Bucket")


def test_every_function_has_its_own_role_and_log_group(synth):
    # Given all functions
    functions = [synth.function(key)[1]["Properties"] for key in c.FUNCTIONS]
    # When synthesized
    roles = [f["Role"]["Fn::GetAtt"][0] for f in functions]
    log_groups = [f["LoggingConfig"]["LogGroup"]["Ref"] for f in functions]
    # Then no two share a role or a log group, and each log group keeps logs a year
    assert len(set(roles)) == len(roles) == len(c.FUNCTIONS)
    assert len(set(log_groups)) == len(log_groups)
    resources = synth.resources
    for log_group in log_groups:
        assert resources[log_group]["Properties"]["RetentionInDays"] == c.LOG_RETENTION_DAYS


def test_roles_carry_no_aws_managed_policies(synth):
    # Given the function roles; When synthesized
    # Then none uses AWSLambdaBasicExecutionRole (it allows writing to any log group)
    for key in c.FUNCTIONS:
        _, function = synth.function(key)
        role = synth.resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        assert "ManagedPolicyArns" not in role["Properties"]


def test_layer_is_built_for_python313_on_arm64(synth):
    # Given the dependency layer; When synthesized; Then it targets the functions' runtime
    synth.template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {
            "CompatibleRuntimes": ["python3.13"],
            "CompatibleArchitectures": ["arm64"],
            "Description": Match.string_like_regexp("functions/requirements.txt"),
        },
    )


def test_function_assets_hold_only_their_package_and_shared(synth):
    # Given the staged code asset of the acceptance function
    _, function = synth.function("acceptance")
    key = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    asset = synth.assembly_dir / f"asset.{key}"
    # When we list it
    packages = sorted(
        p.name for p in (asset / "functions").iterdir() if p.is_dir() and p.name != "__pycache__"
    )
    # Then it has functions/acceptance and shared/, no other stage
    assert packages == ["acceptance"]
    assert (asset / "functions" / "__init__.py").is_file()
    assert (asset / "functions" / "acceptance" / "handler.py").is_file()
    assert (asset / "shared" / "settings.py").is_file()
    # And bytecode for the runtime's Python only (when this machine has that Python)
    runtime_tag = f"cpython-{bundling.RUNTIME_VERSION.replace('.', '')}"
    assert all(runtime_tag in p.name for p in asset.rglob("*.pyc"))
    if bundling.runtime_python():
        assert (asset / "functions" / "acceptance" / "__pycache__").is_dir()
