"""Who is acting in this invocation, for the audit trail: every record a repository writes
carries it (the `by` attribute, shared/adapters/dynamo/table.py), and the audit function
reads it back from the table's stream beside the values before and after.

The API sets it per request from the caller's token; a stage, which acts for nobody,
writes as the system through its function. Set with `acting`, read with `current_actor`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """`name` acts; `on_behalf_of` is whom for (a delegate for the officer away, an agent
    for the applicant); `via` is how (the API route, or the function that ran)."""

    name: str
    via: str
    on_behalf_of: str | None = None
    request_id: str = ""


_current: ContextVar[Actor | None] = ContextVar("onewindow_actor", default=None)


def current_actor() -> Actor:
    actor = _current.get()
    if actor is not None:
        return actor
    return Actor(name=SYSTEM, via=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local"))


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def on_behalf_of(principal: str | None) -> Iterator[Actor]:
    """The current actor, acting for `principal` for the writes inside (None: for nobody
    else, as before)."""
    actor = current_actor()
    with acting(replace(actor, on_behalf_of=principal) if principal else actor) as inside:
        yield inside


def act_on_behalf_of(principal: str) -> None:
    """From here to the end of the request (whose `acting` block restores what was before),
    the writes are on behalf of `principal`: a service agent acting on an applicant's case
    found that out only on reading it. Outside a request's `acting` block nothing changes,
    so nothing outlives the request."""
    actor = _current.get()
    if actor is not None:
        _current.set(replace(actor, on_behalf_of=principal))
