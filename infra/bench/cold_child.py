"""One cold start, in a fresh interpreter: `python -m infra.bench.cold_child SEED KEY OUT`.

Before the timer: boto3 and moto are imported, moto is started in this process and the
resources the function needs are created and seeded from SEED (raw items the parent built
with the real models). Nothing of the project's is imported: the seed is plain JSON, and
the setup uses its own boto3 Session so the default session (the one the handler's clients
come from) has not loaded any service model yet. The timer then covers what Lambda's
cold start covers for the code: importing the handler module and serving a first event.
Warm figures are further invocations of the same event, each after the case is put back
in the state the first one found it (outside the timer).

moto answers each AWS call in this process, so its own work (the first UpdateItem deep-copies
the table, for one) would be charged to the function; on AWS that work is the service's, and
the function only waits for it. The time spent inside moto is measured separately
(`service_ms`) so the parent can leave it out of both the function's and the floor's figure.

This module imports only the standard library at the top: anything else would be loaded
before the timer.
"""

import base64
import copy
import gc
import json
import os
import sys
import time
import uuid
from typing import Any

MARK = "BENCH-TIMER-START"


class Context:
    """The attributes of Lambda's context object that Powertools reads."""

    def __init__(self, name: str, memory: int, timeout: int) -> None:
        self.function_name = name
        self.memory_limit_in_mb = memory
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.function_version = "$LATEST"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(seed_path: str, key: str, out_path: str) -> None:
    with open(seed_path, encoding="utf-8") as source:
        # Binary attributes (the catalog's compressed index) travel as base64.
        seed = json.load(source, object_hook=_binary)
    spec = seed["functions"][key]
    os.environ.update(seed["base_env"])
    os.environ.update(spec["env"])
    os.environ["AWS_LAMBDA_FUNCTION_NAME"] = spec["function_name"]
    os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(spec["memory"])
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)

    # boto3's own import, which Lambda pays on every cold start and the floor includes,
    # is timed here (nothing but the standard library is loaded yet); moto, imported next,
    # needs boto3, so the handler's timer below cannot include it.
    begun = time.perf_counter()
    import boto3

    boto3_ms = (time.perf_counter() - begun) * 1000
    from moto import mock_aws

    mock = mock_aws(config=seed["moto_config"])
    mock.start()
    setup = boto3.session.Session(region_name=seed["region"])
    ddb = setup.client("dynamodb")
    s3 = setup.client("s3")
    for table in seed["tables"]:
        ddb.create_table(**table)
    s3.create_bucket(Bucket=seed["bucket"])
    for item in seed["catalog"]:
        ddb.put_item(TableName=seed["table"], Item=item)

    if "cognito" in spec:
        _cognito(setup, spec)
    table_name = seed["table"]

    def reseed() -> None:
        for item in spec["items"]:
            ddb.put_item(TableName=table_name, Item=item)

    reseed()
    context = Context(spec["function_name"], spec["memory"], spec["timeout"])
    event = spec["event"]
    service = _time_service_calls()
    del seed
    # moto, its tables and the seed are objects a function's process on Lambda does not
    # hold; left in the collector's generations, a full collection during the timer walks
    # them all (it cost issuance ~110 ms, more than its PDF library's import). Frozen, a
    # collection walks what the handler made. boto3's objects are frozen too, alike for
    # every row, floor included.
    gc.collect()
    gc.freeze()
    print(MARK, file=sys.stderr, flush=True)

    service[0] = 0.0
    started = time.perf_counter()
    module = __import__(spec["module"], fromlist=["handler"])
    imported = time.perf_counter()
    result = module.handler(copy.deepcopy(event), context)
    served = time.perf_counter()
    service_ms = service[0] * 1000

    _check(key, result)
    warm = []
    for _ in range(int(spec.get("warm", 5))):
        reseed()
        context = Context(spec["function_name"], spec["memory"], spec["timeout"])
        begun = time.perf_counter()
        _check(key, module.handler(copy.deepcopy(event), context))
        warm.append((time.perf_counter() - begun) * 1000)
    mock.stop()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "boto3_import_ms": boto3_ms,
                "import_ms": (imported - started) * 1000,
                "first_ms": (served - started) * 1000,
                "service_ms": service_ms,
                "warm_ms": warm,
                "modules": len(sys.modules),
            },
            out,
        )


def _cognito(setup: Any, spec: dict[str, Any]) -> None:
    """A user pool with the group and the user the event names; the event gets its id."""
    idp = setup.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="onewindow-bench")["UserPool"]["Id"]
    idp.create_group(UserPoolId=pool, GroupName=spec["cognito"]["group"])
    idp.admin_create_user(UserPoolId=pool, Username=spec["cognito"]["username"])
    spec["event"]["userPoolId"] = pool


def _binary(value: dict[str, Any]) -> Any:
    return base64.b64decode(value["B64"]) if set(value) == {"B64"} else value


def _time_service_calls() -> list[float]:
    """Wraps moto's entry point for botocore requests; returns the running total (seconds)
    of time spent inside it, as a one-element list the caller can reset."""
    from moto.core.botocore_stubber import BotocoreStubber

    total = [0.0]
    answer = BotocoreStubber.process_request

    def timed(self: Any, request: Any) -> Any:
        begun = time.perf_counter()
        try:
            return answer(self, request)
        finally:
            total[0] += time.perf_counter() - begun

    BotocoreStubber.process_request = timed  # type: ignore[method-assign]
    return total


def _check(key: str, result: Any) -> None:
    if key == "api":
        if not isinstance(result, dict) or result.get("statusCode") != 200:
            raise SystemExit(f"api answered {result!r:.300}")
    elif not isinstance(result, dict):
        raise SystemExit(f"{key} returned {result!r:.300}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
