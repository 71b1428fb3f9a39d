"""Logger, Tracer and Metrics, created once and shared by every function.

Service name and namespace come from POWERTOOLS_* variables that CDK sets per function.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
