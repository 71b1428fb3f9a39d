"""免证办 routes: the applicant's certificates for a case's materials and using one, and
the issuing department's view and revocation (撤销) of a certificate."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from functions.api.contract import (
    CONFLICT,
    DESCRIPTIONS,
    FORBIDDEN,
    NOT_FOUND,
    UNAVAILABLE,
    responses,
)
from functions.api.dependencies import current_caller, repository
from shared import names
from shared.models.api import (
    CertificateOffer,
    CertificateOfferList,
    CertificateUndoRequest,
    CertificateUseRequest,
    CertificateView,
    RevocationRequest,
)
from shared.services import certificates

router = APIGatewayRouter()
_BUSY = DESCRIPTIONS[UNAVAILABLE]
AppId = Annotated[str, Path(alias="applicationId", max_length=40)]
CertificateNo = Annotated[str, Path(alias="certificateNo", max_length=60)]
_NOT_THE_ISSUER = "The caller is not staff of the department whose item issued it"


@router.get(
    names.resolver_path(names.APPLICATION_CERTIFICATES),
    summary="The applicant's certificates for this case's materials (免证办)",
    description=(
        "Each material of the item that a certificate this system issues stands for, with "
        "the certificates its source item issued to the same applicant in this account's "
        "cases, newest first, each `valid`, `revoked` or `expired`, and the one the case "
        "uses now (`chosen`)."
    ),
    tags=["applications"],
    responses=responses(
        errors={NOT_FOUND: "No such application of the caller's", UNAVAILABLE: _BUSY}
    ),
)
def certificate_offers(application_id: AppId) -> CertificateOfferList:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return certificates.certificate_offers(caller, application_id, repo, repo, repo)


@router.post(
    names.resolver_path(names.APPLICATION_MATERIAL_CERTIFICATE),
    summary="Use one of the applicant's certificates for a material",
    description=(
        "While the case is a draft or returned: the material is that certificate (its "
        "document is the file reviewers open). Acceptance checks it is still valid and "
        "returns the case naming the material if it was revoked or has expired by then."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: "No such case, or no such certificate of this applicant for it",
            CONFLICT: "The case's materials cannot change now, or the certificate is "
            "revoked or expired",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def use_certificate(
    application_id: AppId, request: Annotated[CertificateUseRequest, Body()]
) -> CertificateView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return certificates.use_certificate(caller, application_id, request, repo, repo, repo)


@router.post(
    names.resolver_path(names.APPLICATION_MATERIAL_CERTIFICATE_UNDO),
    summary="Stop using a certificate for a material",
    description=(
        "While the case is a draft or returned: the material is again left to the "
        "department that obtains it, as for an applicant with no such certificate (say, "
        "after the one chosen was revoked). Answers the material's offer, nothing chosen."
    ),
    tags=["applications"],
    responses=responses(
        errors={
            NOT_FOUND: "No such application of the caller's",
            CONFLICT: "The case's materials cannot change now",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def undo_certificate(
    application_id: AppId, request: Annotated[CertificateUndoRequest, Body()]
) -> CertificateOffer:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return certificates.undo_certificate(caller, application_id, request, repo, repo, repo)


@router.get(
    names.resolver_path(names.CERTIFICATE),
    summary="A certificate, for the department that issued it",
    tags=["certificates"],
    responses=responses(
        errors={
            FORBIDDEN: _NOT_THE_ISSUER,
            NOT_FOUND: "No such certificate",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def get_certificate(certificate_no: CertificateNo) -> CertificateView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return certificates.certificate_for(caller, certificate_no, repo, repo)


@router.post(
    names.resolver_path(names.CERTIFICATE_REVOCATION),
    summary="Revoke a certificate (撤销)",
    description=(
        "By staff of the issuing department, with the reason. Verification then answers it "
        "invalid, and a case that uses it is returned at acceptance."
    ),
    tags=["certificates"],
    responses=responses(
        errors={
            FORBIDDEN: _NOT_THE_ISSUER,
            NOT_FOUND: "No such certificate",
            CONFLICT: "It is revoked already",
            UNAVAILABLE: _BUSY,
        }
    ),
)
def revoke_certificate(
    certificate_no: CertificateNo, request: Annotated[RevocationRequest, Body()]
) -> CertificateView:
    caller = current_caller(router)  # type: ignore[arg-type]
    repo = repository()
    return certificates.revoke(caller, certificate_no, request, repo, repo)
