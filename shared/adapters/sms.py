"""Text messages by Amazon SNS (direct publish to a phone number, no topic)."""

from shared.adapters.aws import client
from shared.adapters.aws_errors import AWS_ERRORS, translate

# Mainland China's country code: the applicant's number is stored without it.
COUNTRY_CODE = "+86"


class SnsTextMessages:
    def send_text(self, phone: str, text: str) -> None:
        try:
            client("sns").publish(
                PhoneNumber=f"{COUNTRY_CODE}{phone}",
                Message=text,
                MessageAttributes={
                    # A one-time code: delivered first, not as marketing.
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
                },
            )
        except AWS_ERRORS as exc:
            raise translate(exc) from exc
