"""Every patch that makes the embedded AWS (moto) answer as AWS does, installed at once by
`make run` and the in-process system. Each module says what it changes and why."""

from infra.local import moto_cognito, moto_dynamodb, moto_s3, moto_stepfunctions


def install() -> None:
    moto_cognito.install()
    moto_dynamodb.install()
    moto_s3.install()
    moto_stepfunctions.install()
