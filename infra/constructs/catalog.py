"""The shipped catalog, loaded as part of the deployment: a custom resource whose function
imports shared/data/catalog.json and its bundles into the main table on create, and again
on an update that changed the list (shared/services/catalog_resource.py). A new stack
serves its catalog at once; `cdk deploy -c catalogSource=own` keeps a zone's own list."""

import hashlib

from aws_cdk import CustomResource
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra import constants as c
from infra.constructs.functions import Functions
from infra.constructs.nag import acknowledge, arn_finding
from shared.catalog import DEFAULT_BUNDLES_PATH, DEFAULT_CATALOG_PATH
from shared.services.catalog_resource import SOURCES


def shipped_digest() -> str:
    """Names the shipped list's content: a changed list changes the resource, which makes
    CloudFormation send an update."""
    digest = hashlib.sha256()
    for path in (DEFAULT_CATALOG_PATH, DEFAULT_BUNDLES_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class ShippedCatalog(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Functions,
        table: dynamodb.ITableV2,
        source: str = "shipped",
    ) -> None:
        super().__init__(scope, construct_id)
        if source not in SOURCES:
            raise ValueError(f"catalogSource must be one of {', '.join(SOURCES)}, not {source!r}")
        self.function = functions.build_function(
            c.CATALOG_FUNCTION, c.CATALOG_FUNCTION_SIZING, {"TABLE_NAME": table.table_name}
        )
        table.grant_read_write_data(self.function)
        acknowledge(
            functions.roles[c.CATALOG_FUNCTION],
            arn_finding(table, "/index/*"),
            "The import's read-write grant on the main table includes its indexes, which "
            "IAM names only as <table ARN>/index/*.",
        )
        # CloudFormation invokes the function with the deploying role's rights: no
        # resource policy is needed, and nothing else may invoke it.
        self.resource = CustomResource(
            self,
            "Import",
            service_token=self.function.function_arn,
            resource_type="Custom::OneWindowCatalog",
            properties={"Source": source, "CatalogDigest": shipped_digest()},
        )
