"""S3 on moto as AWS answers it (presigned POST policies enforced)."""


def install() -> None:
    """Nothing patched yet."""
