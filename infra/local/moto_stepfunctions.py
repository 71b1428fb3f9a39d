"""Step Functions on moto as AWS behaves (execution status changes sent to EventBridge)."""


def install() -> None:
    """Nothing patched yet."""
