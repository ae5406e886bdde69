"""The protected route of the self-service test app: answers with the caller's username."""

import json


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["claims"]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"user": claims["cognito:username"], "path": event["path"]}),
    }
