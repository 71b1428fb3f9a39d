"""CDK entry point (cdk.json: `python -m infra.app`). Synthesizes without an AWS account.

cdk-nag's AWS Solutions pack runs on every synth as a policy-validation plugin: an
unacknowledged error fails the synth, and tests/infrastructure fails on any warning too.
"""

import json
import os
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra import constants as c
from infra.stack import OneWindowStack

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def load_context(cdk_json: Path = CDK_JSON) -> dict[str, Any]:
    """cdk.json's context, so a synth from pytest sees the same feature flags as the CLI."""
    context: dict[str, Any] = json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {})
    return context


def environment() -> Environment:
    """The CLI's account and region when it knows them; otherwise environment-agnostic."""
    return Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
        region=os.environ.get("CDK_DEFAULT_REGION"),
    )


def create_app(**stack_kwargs: Any) -> tuple[App, OneWindowStack]:
    app = App(context=load_context())
    origins = app.node.try_get_context("allowedOrigins") or ["*"]
    stack_kwargs.setdefault("allowed_origins", origins)
    # `own` when the zone imports its own list: the shipped one only seeds an empty table.
    stack_kwargs.setdefault(
        "catalog_source", app.node.try_get_context("catalogSource") or "shipped"
    )
    stack = OneWindowStack(app, c.STACK_NAME, env=environment(), **stack_kwargs)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    app, _ = create_app()
    app.synth()


if __name__ == "__main__":
    main()
