"""The ports: one protocol module per aggregate. Use cases and stages import these, never an
adapter, so importing one loads no boto3 (a test proves it); adapters implement them
(shared/adapters/) and unit tests pass in-memory fakes (tests/unit/fakes.py)."""
