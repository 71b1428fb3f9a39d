"""Environment variables as a typed model; nothing else in the code reads os.environ.

Each function gets only the variables CDK gives it; a setting a use case needs but the
function lacks fails loudly at first use (MissingSetting), not at import time. A plain
pydantic model over os.environ: pydantic-settings would add ~70 ms to every cold start for
features (dotenv, secrets dirs, nested sources) that Lambda does not use.
"""

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class MissingSetting(RuntimeError):
    """A use case needs an environment variable this function was not given."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = ""
    idempotency_table_name: str = ""
    audit_table_name: str = ""
    stats_table_name: str = ""
    documents_bucket: str = ""
    state_machine_arn: str = ""
    # The bundle machine (一件事): runs a bundle's members through the case machine in waves.
    bundle_state_machine_arn: str = ""
    # Working days an applicant has to supplement a returned case before it is deemed
    # withdrawn (the wait on the task token times out).
    supplement_wait_days: int = Field(default=20, ge=1, le=90)
    # Working days past the statutory deadline that a review may stay overdue before its
    # wait ends and the case fails visibly (no wait may hang forever).
    review_margin_days: int = Field(default=20, ge=1, le=120)
    upload_url_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    download_url_ttl_seconds: int = Field(default=600, ge=60, le=3600)
    # How long an electronic result stays downloadable after delivery.
    electronic_delivery_days: int = Field(default=30, ge=1, le=365)
    # 容缺受理: working days after acceptance to supply what was committed, and how long an
    # applicant who broke a commitment is not offered it again (calendar days).
    commitment_days: int = Field(default=20, ge=1, le=90)
    commitment_bar_days: int = Field(default=365, ge=1, le=1825)
    courier: str = "simulated"
    # How long an API container serves its copy of the catalog search index before it
    # checks for a newer catalog (a public, rarely changed list: one read a minute at most).
    catalog_refresh_seconds: int = Field(default=60, ge=0, le=3600)

    def require(self, name: str) -> str:
        value = getattr(self, name)
        if not value:
            raise MissingSetting(f"environment variable {name.upper()} is not set")
        return str(value)


def setting_defaults(*names: str) -> dict[str, str]:
    """Environment-variable form of the defaults, for CDK and the local runtime."""
    fields = Settings.model_fields
    return {name: str(fields[name.lower()].default) for name in names}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    fields = Settings.model_fields
    return Settings.model_validate(
        {name: os.environ[name.upper()] for name in fields if os.environ.get(name.upper())}
    )
