"""POST /echo: answers the caller's user name and the request body's size, nothing else."""

import json


def handler(event, context):
    """Return a small JSON naming the authorized caller; no I/O."""
    claims = (event.get("requestContext") or {}).get("authorizer", {}).get("claims", {})
    body = {"user": claims.get("cognito:username"), "bytes": len(event.get("body") or "")}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
