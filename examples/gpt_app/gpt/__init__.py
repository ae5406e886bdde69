"""The /gpt Lambda: its asset is this package alone (handler ``gpt.handler.handler``).

Standard library + boto3 (present in the Lambda runtime, imported only when the key
comes from Secrets Manager). Modules import each other relatively and nothing from
aws_cdk: this code runs in Lambda.
"""
