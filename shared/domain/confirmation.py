"""The rules of an applicant's confirmation of what a service agent filed for them."""

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from shared.models.application import Application
from shared.models.common import Channel

# Channels on which a service agent files: the applicant confirms before it is submitted.
AGENT_CHANNELS = frozenset({Channel.AGENT, Channel.REMOTE_ASSISTED})
CODE_VALID_FOR = timedelta(hours=24)
# A new code (and a new text message) at most once a minute.
RESEND_AFTER = timedelta(seconds=60)
# Wrong codes before the code is void (a new one must be sent): 5 in a million to guess.
MAX_FAILED_ATTEMPTS = 5
CODE_TOKEN = "confirmation_code"  # the hash's attribute beside the header


def needs_confirmation(application: Application) -> bool:
    return application.channel in AGENT_CHANNELS


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_hash(application_id: str, code: str) -> str:
    """Salted by the case, so one code's hash says nothing about another case's."""
    return hashlib.sha256(f"{application_id}:{code}".encode()).hexdigest()


def code_matches(application_id: str, code: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(
        code_hash(application_id, code), stored_hash
    )


def masked_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def filing_digest(application: Application) -> str:
    """SHA-256 of what the applicant confirms: who applies, the form, the delivery, and
    each material as S3 holds it (its version, noted by record_uploads) or the reused
    document or certificate standing for it."""
    materials = {
        code: [
            record.file_name,
            record.verified_version_id,
            record.verified_size,
            record.reused_from,
            record.certificate_no,
        ]
        for code, record in sorted(application.materials.items())
    }
    content = {
        "applicant": application.applicant.model_dump(mode="json"),
        "form": application.form,
        "delivery": application.delivery.model_dump(mode="json"),
        "materials": materials,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def confirmation_problem(application: Application, digest_now: str) -> str | None:
    """Why the case may not be submitted yet, or None: an agent's filing needs the
    applicant's confirmation of exactly what is submitted."""
    if not needs_confirmation(application):
        return None
    confirmation = application.confirmation
    if confirmation is None or confirmation.confirmed_at is None:
        return "the applicant has not confirmed this filing yet: send them a confirmation code"
    if confirmation.digest != digest_now:
        return (
            "the filing changed after the applicant confirmed it: send a new confirmation "
            "code for them to confirm it again"
        )
    return None


def code_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at
