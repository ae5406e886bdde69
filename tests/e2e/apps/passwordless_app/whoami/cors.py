"""CORS headers for a route behind CognitoApi (the README's snippet, kept verbatim).

API Gateway passes a Lambda proxy answer's headers through untouched, so a browser can
read this route's answers only if the function adds the CORS headers itself. With
``cors`` set, CognitoApi gives the route's function the allowed origins in its
environment; this function turns them and the request's Origin into headers.
"""

import os


def cors_headers(event):
    """The CORS headers of an answer to ``event``, as CognitoApi's own routes send them."""
    allowed = [origin for origin in os.environ.get("CORS_ALLOW_ORIGINS", "").split(",") if origin]
    if not allowed:
        return {}
    request_headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    origin = request_headers.get("origin")
    if allowed == ["*"]:
        headers = {"Access-Control-Allow-Origin": "*"}
    elif origin in allowed:
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if os.environ.get("CORS_ALLOW_CREDENTIALS") == "true":
            headers["Access-Control-Allow-Credentials"] = "true"
    else:
        return {"Vary": "Origin"}
    if os.environ.get("CORS_EXPOSE_HEADERS"):
        headers["Access-Control-Expose-Headers"] = os.environ["CORS_EXPOSE_HEADERS"]
    return headers
