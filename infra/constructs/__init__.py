"""One construct per concern; infra/stack.py composes them."""

from infra.constructs.api import Api
from infra.constructs.data import Data
from infra.constructs.documents import Documents
from infra.constructs.functions import Functions
from infra.constructs.identity import Identity
from infra.constructs.monitoring import Monitoring
from infra.constructs.permissions import grant_least_privilege
from infra.constructs.streams import StreamConsumer
from infra.constructs.watchers import Watchers
from infra.constructs.web import Web
from infra.constructs.workflow import Workflow

__all__ = [
    "Api",
    "Data",
    "Documents",
    "Functions",
    "Identity",
    "Monitoring",
    "StreamConsumer",
    "Watchers",
    "Web",
    "Workflow",
    "grant_least_privilege",
]
