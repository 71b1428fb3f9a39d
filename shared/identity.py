"""Who is calling: the Cognito ID token's claims, as API Gateway's authorizer passes them."""

from dataclasses import dataclass
from typing import Any

from shared.errors import DomainError
from shared.names import DEPARTMENT_GROUP_PREFIX as DEPARTMENT_PREFIX
from shared.names import DEPARTMENT_LEAD_PREFIX as LEAD_PREFIX
from shared.names import GROUP_AGENT as AGENT
from shared.names import GROUP_CITIZEN as CITIZEN
from shared.names import GROUP_OPS as OPS
from shared.names import GROUP_SUPERVISOR as SUPERVISOR
from shared.names import GROUP_WINDOW as WINDOW


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthorized"


@dataclass(frozen=True)
class Caller:
    sub: str
    username: str
    groups: frozenset[str]

    @property
    def departments(self) -> list[str]:
        return sorted(
            g[len(DEPARTMENT_PREFIX) :] for g in self.groups if g.startswith(DEPARTMENT_PREFIX)
        )

    @property
    def is_staff(self) -> bool:
        """Department officers and ops: who may file for someone else (assisted channel)."""
        return bool(self.departments) or OPS in self.groups

    @property
    def is_applicant(self) -> bool:
        """Who may file for themselves: members of the `citizen` group only. Staff,
        follow-up and ops accounts are not applicants, and neither is a user who signed up
        but has no group yet (ops onboard applicants into `citizen`)."""
        return CITIZEN in self.groups

    def in_department(self, department: str) -> bool:
        return f"{DEPARTMENT_PREFIX}{department}" in self.groups

    def leads(self, department: str) -> bool:
        """A lead of the department (its late tasks escalate to them); a lead is its staff."""
        return self.in_department(department) and f"{LEAD_PREFIX}{department}" in self.groups

    @property
    def is_window_clerk(self) -> bool:
        return WINDOW in self.groups

    @property
    def is_ops(self) -> bool:
        return OPS in self.groups

    @property
    def is_agent(self) -> bool:
        """A service agent: a key project's steward (审批管家)."""
        return AGENT in self.groups

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.groups


def _groups(raw: Any) -> frozenset[str]:
    """REST API authorizers flatten the `cognito:groups` array into a string, seen as
    "a,b" or "[a b]"; a list also arrives from other sources."""
    if isinstance(raw, list):
        return frozenset(str(g) for g in raw)
    if not raw:
        return frozenset()
    text = str(raw).strip().strip("[]")
    return frozenset(p for p in text.replace(",", " ").split() if p)


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    if not claims or not claims.get("sub"):
        raise Unauthenticated("a valid ID token is required")
    username = claims.get("cognito:username") or claims.get("email") or claims["sub"]
    return Caller(
        sub=str(claims["sub"]), username=str(username), groups=_groups(claims.get("cognito:groups"))
    )
