"""The local system (`make run`, the integration tests) runs what CDK deploys: the same
state machine definition, the same handlers, the same environment variables."""

import json

import pytest

from infra import constants as c
from infra.local.provision import (
    bundle_machine_definition,
    function_environment,
    state_machine_definition,
)


@pytest.fixture(scope="module")
def deployed_definition(synth):
    _, resource = synth.state_machine()
    properties = resource["Properties"]
    key = properties["DefinitionS3Location"]["Key"]
    text = (synth.assembly_dir / f"asset.{key}").read_text(encoding="utf-8")
    return text, properties["DefinitionSubstitutions"]


def test_local_state_machine_is_the_deployed_one(synth, deployed_definition):
    # Given the definition CDK deploys, with each substitution resolved to its function
    text, substitutions = deployed_definition
    logical_to_key = {synth.function(k)[0]: k for k in c.FUNCTIONS}
    arns = {key: f"arn:local:{key}" for key in c.ASL_FUNCTIONS}
    for name, value in substitutions.items():
        text = text.replace("${" + name + "}", arns[logical_to_key[value["Fn::GetAtt"][0]]])

    # When the local runtime builds its definition from the same names
    local = state_machine_definition(arns)

    # Then both are the same machine, state for state and function for function
    assert json.loads(local) == json.loads(text)


def test_local_bundle_machine_is_the_deployed_one(synth):
    # Given the bundle machine CDK deploys, its function and the case machine resolved
    machine_id, _ = synth.state_machine()
    _, resource = synth.state_machine("BundleWorkflow")
    properties = resource["Properties"]
    key = properties["DefinitionS3Location"]["Key"]
    text = (synth.assembly_dir / f"asset.{key}").read_text(encoding="utf-8")
    logical_to_key = {synth.function(k)[0]: k for k in c.FUNCTIONS}
    arns = {key: f"arn:local:{key}" for key in c.BUNDLE_ASL_FUNCTIONS}
    for name, value in properties["DefinitionSubstitutions"].items():
        if value == {"Ref": machine_id}:
            text = text.replace("${" + name + "}", "arn:local:case-machine")
        else:
            text = text.replace("${" + name + "}", arns[logical_to_key[value["Fn::GetAtt"][0]]])

    # Then the local runtime builds the same machine
    local = bundle_machine_definition(arns, "arn:local:case-machine")
    assert json.loads(local) == json.loads(text)


@pytest.mark.parametrize("key", sorted(c.FUNCTIONS))
def test_local_functions_get_the_deployed_handler_and_variables(synth, key):
    # Given a deployed function
    _, function = synth.function(key)
    deployed = function["Properties"]["Environment"]["Variables"]

    # When the local runtime creates its twin
    resources = {n: "resolved" for n in c.FUNCTION_ENV[key] if n not in c.SETTING_DEFAULTS}
    local = function_environment(key, resources)

    # Then it has the same variables and the same settings' values wherever CDK sets a
    # literal
    assert set(local) == set(deployed)
    for name, value in deployed.items():
        if isinstance(value, str) and name in c.SETTING_DEFAULTS:
            assert local[name] == value
    assert function["Properties"]["Handler"] == f"functions.{key}.handler.handler"
    assert function["Properties"]["MemorySize"] == c.FUNCTIONS[key]["memory"]
