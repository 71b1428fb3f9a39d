"""How much X-Ray records, in one place for the stack (infra/constructs/tracing.py) and the
bench's cost model (infra/bench/cost.py), which must not import CDK to read it."""

# The share of API requests and executions traced, with no per-second reservoir.
SAMPLED_RATE = 0.05
