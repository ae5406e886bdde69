"""The routes of the access test app, each answering who called it.

``admin_reports`` (admins only, behind the construct's groups authorizer) also appends
the caller's username to the file ``INVOCATION_LOG`` names, when set, so a test can prove
it never ran for a caller the gateway refused.
"""

import json
import os


def _answer(body):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def admin_reports(event, context):
    # The groups authorizer's context: its values reach the route as strings. The
    # README's line reads the claims on either kind of route.
    authorizer = event["requestContext"]["authorizer"]
    claims = authorizer.get("claims", authorizer)
    log = os.environ.get("INVOCATION_LOG")
    if log:
        with open(log, "a") as lines:
            lines.write(authorizer["username"] + "\n")
    return _answer(
        {
            "user": authorizer["username"],
            "groups": authorizer["groups"],
            "path": event["path"],
            "email": claims["email"],
            "sub_is_principal": claims["sub"] == authorizer["principalId"],
        }
    )


def machine_reports(event, context):
    # A Cognito user pools authorizer: the access token's claims.
    claims = event["requestContext"]["authorizer"]["claims"]
    return _answer({"client_id": claims["client_id"], "scope": claims["scope"]})


def whoami(event, context):
    authorizer = event["requestContext"]["authorizer"]
    claims = authorizer.get("claims", authorizer)
    return _answer({"user": claims["cognito:username"], "path": event["path"]})
