"""`make run`: the whole system on this machine.

Starts moto's server as the embedded AWS endpoint, hooks its Lambda backend to the real
handlers, creates every resource from the CDK definitions, starts the local API gateway
and writes the outputs file that `cdk deploy --outputs-file` would. Ctrl-C stops it all.
"""

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from infra.constants import DEADLINE_SWEEP_MINUTES, STACK_NAME, WEB_API_PREFIX, WEB_DIST_DIR

if TYPE_CHECKING:
    from infra.local.gateway import LocalSite

STATE_DIR = Path(os.environ.get("ONEWINDOW_STATE_DIR", ".local"))
# Both servers listen on loopback only: the embedded AWS takes any credentials and the
# demo users share one password, so nothing here may be reachable from another machine.
LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
MOTO_CONFIG = {"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}


def _already_running(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument(
        "--aws-port", type=int, default=int(os.environ.get("ONEWINDOW_AWS_PORT", 4566))
    )
    parser.add_argument(
        "--api-port", type=int, default=int(os.environ.get("ONEWINDOW_API_PORT", 3000))
    )
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    return parser.parse_args()


def _refuse(message: str) -> None:
    print(f"make run: {message}", file=sys.stderr)
    sys.exit(2)


def web_config(outputs: dict[str, str], region: str, aws_port: int) -> dict[str, str]:
    """/config.json: what the app needs to call the API and Cognito (the deployed one
    has the same keys, infra/constructs/web.py, with Cognito's own endpoint)."""
    return {
        "apiBase": WEB_API_PREFIX,
        "region": region,
        "userPoolId": outputs["UserPoolId"],
        "userPoolClientId": outputs["UserPoolClientId"],
        "cognitoEndpoint": f"http://{LOOPBACK}:{aws_port}",
    }


def local_site(outputs: dict[str, str], region: str, aws_port: int) -> "LocalSite":
    from infra.local.gateway import LocalSite

    # The page reaches the embedded AWS by either name: Cognito at cognitoEndpoint, S3 at
    # the presigned URLs' host (AWS_ENDPOINT_URL, localhost).
    aws = [f"http://{LOOPBACK}:{aws_port}", f"http://localhost:{aws_port}"]
    dist = Path(os.environ.get("ONEWINDOW_WEB_DIST", REPO_ROOT / WEB_DIST_DIR))
    return LocalSite(dist, web_config(outputs, region, aws_port), aws)


def _sweep_deadlines(function_arn: str) -> None:
    """What the deployed schedule does (infra/constructs/watchers.py): runs the sweep."""
    import boto3

    try:
        boto3.client("lambda").invoke(FunctionName=function_arn)
    except Exception as exc:  # the next sweep tries again, as a missed schedule would
        print(f"deadlines sweep not started: {exc}", file=sys.stderr, flush=True)


def _clock_control(deadlines_arn: str) -> Callable[[float], dict[str, Any]]:
    """POST /_local/clock (infra/local/gateway.py): the local system's time moves forward,
    and the deadlines sweep runs at once, so a demo or a test sees warnings fire."""
    from datetime import timedelta

    from shared.models.common import advance_clock, utc_now

    def control(days: float) -> dict[str, Any]:
        offset = advance_clock(timedelta(days=days))
        if days:
            _sweep_deadlines(deadlines_arn)
        return {"now": utc_now().isoformat(), "offsetDays": offset.total_seconds() / 86400}

    return control


def _outbox(region: str) -> Callable[[], list[dict[str, str]]]:
    """GET /_local/outbox (infra/local/gateway.py): the text messages the system sent, as
    the embedded SNS took them (this process holds moto's state), oldest first."""

    def texts() -> list[dict[str, str]]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        sent = sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages
        return [{"messageId": i, "phone": p, "text": t} for i, (p, t) in sent.items()]

    return texts


def main() -> None:
    args = _parse()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    pid_file = STATE_DIR / "run.pid"
    running = _already_running(pid_file)
    if running:
        _refuse(
            f"OneWindow is already running (pid {running}); see {STATE_DIR / 'outputs.json'}. "
            f"Stop it with Ctrl-C in its terminal or `kill {running}`."
        )
    for name, port in (("embedded AWS", args.aws_port), ("API", args.api_port)):
        if not _port_free(LOOPBACK, port):
            _refuse(f"port {port} for the {name} is taken by another program")

    endpoint = f"http://localhost:{args.aws_port}"
    # Everything in this process, the handlers included, talks to the embedded endpoint.
    os.environ.update(
        {"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": args.region, "AWS_REGION": args.region}
    )
    # moto's Step Functions interpreter calls Lambda at localhost:$MOTO_PORT.
    os.environ["MOTO_PORT"] = str(args.aws_port)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")

    # Imported late: they read the environment set above.
    from moto.server import ThreadedMotoServer

    from infra.local import moto_patches
    from infra.local.gateway import CognitoAuthorizer, LocalApiGateway
    from infra.local.lambda_runtime import LocalLambdaRuntime
    from infra.local.provision import provision
    from infra.local.stream_feed import StreamFeed

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call is noise
    moto_patches.install()
    aws = ThreadedMotoServer(ip_address=LOOPBACK, port=args.aws_port, verbose=False)
    aws.start()
    requests.post(f"{endpoint}/moto-api/config", json=MOTO_CONFIG, timeout=5).raise_for_status()
    runtime = LocalLambdaRuntime().install()
    outputs = provision(region=args.region)
    runtime.after_each_invocation(StreamFeed(outputs, runtime.lock).drain)
    authorizer = CognitoAuthorizer(
        endpoint, args.region, outputs["UserPoolId"], outputs["UserPoolClientId"]
    )
    site = local_site(outputs, args.region, args.aws_port)
    gateway = LocalApiGateway(
        LOOPBACK,
        args.api_port,
        outputs["ApiFunctionArn"],
        authorizer,
        site=site,
        clock=_clock_control(outputs["DeadlinesFunctionArn"]),
        outbox=_outbox(args.region),
    )
    gateway.start()

    web_url = f"http://{LOOPBACK}:{args.api_port}/"
    # The API under the site's origin, as CloudFront serves it (infra/constructs/web.py).
    api_url = f"{web_url}{WEB_API_PREFIX.strip('/')}/"
    stack_outputs = {
        "ApiUrl": api_url,
        "WebUrl": web_url,
        "AwsEndpointUrl": endpoint,
        "Region": args.region,
        **outputs,
    }
    (STATE_DIR / "outputs.json").write_text(
        json.dumps({STACK_NAME: stack_outputs}, indent=2) + "\n"
    )
    pid_file.write_text(str(os.getpid()))
    print(
        f"OneWindow is running.\n  web app         {web_url}\n  API             {api_url}\n"
        f"  embedded AWS    {endpoint}\n"
        f"  outputs         {STATE_DIR / 'outputs.json'}\n"
        f"Listening on loopback ({LOOPBACK}) only: not reachable from other machines.\n"
        f"Demo users and tokens: make users; a batch of cases: make demo. Ctrl-C stops.",
        flush=True,
    )

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sweep_every = DEADLINE_SWEEP_MINUTES * 60
    next_sweep = time.monotonic() + sweep_every
    try:
        while not stop.wait(0.5):
            if time.monotonic() >= next_sweep:
                _sweep_deadlines(outputs["DeadlinesFunctionArn"])
                next_sweep = time.monotonic() + sweep_every
    finally:
        print("stopping OneWindow ...", flush=True)
        gateway.stop()
        aws.stop()
        pid_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
