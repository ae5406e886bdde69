"""The trigger app's protected routes: the caller as the authorizer's claims show them."""

import json


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["claims"]
    body = {
        "user": claims.get("username") or claims.get("cognito:username"),
        "token_use": claims.get("token_use"),
        "tenant": claims.get("tenant"),
        "path": event["path"],
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
