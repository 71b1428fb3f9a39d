"""The real CDK CLI (pinned in infra/package.json) synthesizes the app without an account.

The region is us-east-1: the CLI passes it to the app (CDK_DEFAULT_REGION), and CDK's
CloudFormation validation rejects the Cognito user pool in the China regions, where the
resource spec bundled with aws-cdk-lib has no AWS::Cognito::UserPool.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK = REPO_ROOT / "infra" / "node_modules" / ".bin" / "cdk"


@pytest.mark.slow
def test_cdk_cli_synthesizes_the_stack(tmp_path):
    # Given the pinned CLI (`npm ci --prefix infra`, done by `make setup`) and fake credentials
    assert CDK.exists(), "infra/node_modules is missing: run `npm ci --prefix infra` (make setup)"
    pinned = json.loads((REPO_ROOT / "infra" / "package.json").read_text())
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    }
    for name in ("AWS_PROFILE", "CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"):
        env.pop(name, None)
    output = tmp_path / "cdk.out"
    # When `cdk synth` runs from the repository root, as `make synth` does
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--output", str(output), "--no-notices"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # Then it succeeds with the pinned CLI version and writes the stack's template
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    template = output / "OneWindow.template.json"
    assert template.is_file()
    assert "AWS::StepFunctions::StateMachine" in template.read_text()
    version = subprocess.run(
        [str(CDK), "--version"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert version.startswith(pinned["devDependencies"]["aws-cdk"])
    shutil.rmtree(output, ignore_errors=True)
