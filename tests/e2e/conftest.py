"""Starts the local system (`python -m infra.local`, what `make run` runs) in a subprocess
on free ports, and hands the tests its outputs file."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.constants import STACK_NAME

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def local_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    state = tmp_path_factory.mktemp("local")
    env = {**os.environ, "ONEWINDOW_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    ports = ["--aws-port", str(_free_port()), "--api-port", str(_free_port())]
    log = (state / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local", *ports],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    outputs_file = state / "outputs.json"
    deadline = time.monotonic() + 90
    while not outputs_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(
                f"local system did not start:\n{(state / 'run.log').read_text()[-3000:]}"
            )
        time.sleep(0.2)
    outputs: dict[str, str] = json.loads(outputs_file.read_text())[STACK_NAME]
    outputs["StateDir"] = str(state)
    try:
        yield outputs
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
