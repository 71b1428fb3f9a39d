"""One synth of the real app (create_app, cdk-nag included) shared by the whole tier.

Synthesizing takes seconds (the layer build is cached under .build/), so the stack is
synthesized once per session and every test reads the same template and cloud assembly.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

from aws_cdk import App
from aws_cdk.assertions import Template

from infra.app import create_app
from infra.stack import OneWindowStack

Resources = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Synth:
    app: App
    stack: OneWindowStack
    template: Template
    assembly_dir: Path

    @property
    def resources(self) -> Resources:
        resources: Resources = self.template.to_json()["Resources"]
        return resources

    def of_type(self, resource_type: str) -> Resources:
        return {k: r for k, r in self.resources.items() if r["Type"] == resource_type}

    def state_machine(self, construct: str = "Workflow") -> tuple[str, dict[str, Any]]:
        """(logical id, resource) of the case machine, or the bundle machine
        (`BundleWorkflow`)."""
        prefix = f"{construct}StateMachine"
        ((logical_id, resource),) = (
            (k, v)
            for k, v in self.of_type("AWS::StepFunctions::StateMachine").items()
            if k.startswith(prefix)
        )
        return logical_id, resource

    def function(self, key: str) -> tuple[str, dict[str, Any]]:
        """(logical id, resource) of the Lambda function for constants.FUNCTIONS[key]."""
        handler = f"functions.{key}.handler.handler"
        matches = [
            (logical_id, resource)
            for logical_id, resource in self.of_type("AWS::Lambda::Function").items()
            if resource["Properties"].get("Handler") == handler
        ]
        assert len(matches) == 1, f"expected one function with handler {handler}"
        return matches[0]

    def role_statements(self, role_logical_id: str) -> list[dict[str, Any]]:
        """Every statement of every AWS::IAM::Policy attached to the role."""
        statements: list[dict[str, Any]] = []
        for policy in self.of_type("AWS::IAM::Policy").values():
            properties = policy["Properties"]
            if {"Ref": role_logical_id} in properties.get("Roles", []):
                statements.extend(properties["PolicyDocument"]["Statement"])
        return statements

    def function_statements(self, key: str) -> list[dict[str, Any]]:
        _, function = self.function(key)
        role_logical_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
        return self.role_statements(role_logical_id)

    def function_actions(self, key: str) -> set[str]:
        return {action for s in self.function_statements(key) for action in as_list(s["Action"])}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements_allowing(statements: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [s for s in statements if s["Effect"] == "Allow" and action in as_list(s["Action"])]


@pytest.fixture(scope="session")
def synth() -> Synth:
    app, stack = create_app()
    template = Template.from_stack(stack)
    assembly = app.synth()  # cached: the same assembly Template.from_stack produced
    return Synth(app, stack, template, Path(assembly.directory))


@pytest.fixture(scope="session")
def validation_report(synth: Synth) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((synth.assembly_dir / "validation-report.json").read_text())
    return report
