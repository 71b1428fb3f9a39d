"""One page of a listing and the opaque cursor to the next."""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    # Items the store read to serve this page (for the flat-cost benchmark).
    scanned: int = field(default=0)
