"""The DynamoDB adapter of every repository port: one table, one record layout per
aggregate (cases.py, tasks.py, records.py, catalog.py, projects.py; the shared shape in
table.py)."""

from shared.adapters.dynamo.cases import CaseStore
from shared.adapters.dynamo.catalog import CatalogStore
from shared.adapters.dynamo.projects import ProjectStore
from shared.adapters.dynamo.records import RecordStore
from shared.adapters.dynamo.tasks import TaskStore


class DynamoRepository(CaseStore, TaskStore, RecordStore, CatalogStore, ProjectStore):
    """Cases, tasks, certificates, tickets, the catalog and key projects of one table."""


__all__ = ["DynamoRepository"]
