"""Logger, Tracer and Metrics, created once and shared by every function.

Service name and namespace come from POWERTOOLS_* variables that CDK sets per function.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Only botocore is worth a subsegment here (the functions make no other calls out), and
# patching every library the X-Ray SDK knows costs each cold start ~6 ms.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
