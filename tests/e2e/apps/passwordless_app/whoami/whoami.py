"""The protected route of the passwordless test app: the caller's username, readable by a page.

Its CORS headers come from ``cors.py``, the README's snippet copied verbatim, as a user's
route function would carry it.
"""

import json

from cors import cors_headers


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["claims"]
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", **cors_headers(event)},
        "body": json.dumps({"user": claims["cognito:username"]}),
    }
