"""Pieces every boundary shares: camelCase JSON, timestamps, enums of the domain."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown input fields are refused."""

    # defer_build: a model's validator is built on its first use, not at import, so each
    # function pays only for the models it touches (cold starts).
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=False,
        defer_build=True,
    )


def build_models(*models: type[BaseModel]) -> None:
    """Builds now the validators that defer_build put off to first use.

    A handler calls this at import for the models every call of its function reads:
    Lambda runs init at a full core but an invocation at its memory's share of one
    (0.14 of a core at 256 MB), so the same build costs the first call ~7x more.
    """
    for model in models:
        model.model_rebuild()


# Moved only by the local runtime (infra/local: a clock a test or a demo moves forward to
# see warnings fire); nothing deployed sets it, so on AWS it stays zero.
_clock_offset = timedelta(0)


def utc_now() -> datetime:
    return datetime.now(UTC) + _clock_offset


def advance_clock(by: timedelta) -> timedelta:
    """The local runtime's clock control: every later `utc_now` is `by` later. Returns the
    total offset."""
    global _clock_offset
    if by < timedelta(0):
        raise ValueError("the clock only moves forward")
    _clock_offset += by
    return _clock_offset


def reset_clock() -> None:
    global _clock_offset
    _clock_offset = timedelta(0)


class ItemType(StrEnum):
    """Legal category of a service item (事项类型)."""

    ADMINISTRATIVE_LICENSING = "administrative_licensing"  # 行政许可
    ADMINISTRATIVE_CONFIRMATION = "administrative_confirmation"  # 行政确认
    ADMINISTRATIVE_PAYMENT = "administrative_payment"  # 行政给付
    ADMINISTRATIVE_RULING = "administrative_ruling"  # 行政裁决
    ADMINISTRATIVE_REWARD = "administrative_reward"  # 行政奖励
    ADMINISTRATIVE_LEVY = "administrative_levy"  # 行政征收
    FILING = "filing"  # 行政备案
    OTHER_ADMINISTRATIVE_POWER = "other_administrative_power"  # 其他行政权力
    PUBLIC_SERVICE = "public_service"  # 公共服务


class DeliveryMode(StrEnum):
    MAIL = "mail"
    PICKUP = "pickup"
    ELECTRONIC = "electronic"


class Channel(StrEnum):
    WEB = "web"  # 网上办
    MOBILE = "mobile"  # 掌上办
    # 窗口办: a walk-in applicant, filed at the window by a clerk who scans the materials in;
    # acceptance is then the clerk's, with the originals in front of them.
    WINDOW = "window"
    # 帮办代办: a service agent files on the applicant's behalf (the applicant confirms).
    AGENT = "agent"
    # 云帮办: the same, with the applicant on a video call, the phone or a shared screen.
    REMOTE_ASSISTED = "remote_assisted"
    # Cases filed before the agent channels: a member of staff filed for someone. Still
    # read, no longer filed (an agent files on `agent` or `remote_assisted`).
    ASSISTED = "assisted"


class ApplicationStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    RETURNED = "RETURNED"  # 补正: supplement needed
    NOT_ACCEPTED = "NOT_ACCEPTED"
    IN_APPROVAL = "IN_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    ISSUED = "ISSUED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    # 容缺: the case was accepted on a commitment to supply materials, which were not in by
    # the deadline; the applicant is not offered 容缺 again for a period.
    COMMITMENT_BROKEN = "COMMITMENT_BROKEN"
    # Not one of the 1+3+N outcomes: a stage failed for good; the reason is on the timeline.
    FAILED = "FAILED"


class ReusableDocument(StrEnum):
    """A document about the applicant rather than the case (可复用). Once a window clerk has
    checked it against its original (trust level B), the same account's later cases for the
    same applicant may reuse it for a material of the same kind, in any item."""

    BUSINESS_LICENCE = "business_licence"  # 营业执照
    LEGAL_REPRESENTATIVE_ID = "legal_representative_id"  # 法定代表人（负责人）身份证件
    APPLICANT_ID = "applicant_id"  # 申请人（自然人）身份证件


class ReviewRole(StrEnum):
    LEAD = "lead"
    CO = "co"


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Stage(StrEnum):
    APPLICATION = "application"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ISSUANCE = "issuance"
    DELIVERY = "delivery"
    FEEDBACK = "feedback"
    WORKFLOW = "workflow"


class SpecialProcedureKind(StrEnum):
    """特别程序 that the Administrative Licensing Law §45 leaves out of the time limit."""

    HEARING = "hearing"  # 听证
    BIDDING = "bidding"  # 招标
    AUCTION = "auction"  # 拍卖
    TESTING = "testing"  # 检验、检测
    INSPECTION = "inspection"  # 现场勘验 / 检查
    QUARANTINE = "quarantine"  # 检疫
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审
    PUBLIC_NOTICE = "public_notice"  # 公示 / 公告


class MissingItem(ApiModel):
    """One entry of the one-time notice (一次性告知) of a return for supplement."""

    field: str
    reason: str
