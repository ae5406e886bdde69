"""The BAD_REQUEST_BODY gateway response renders valid JSON whatever the error text."""

from __future__ import annotations

import json
import re

from .conftest import Synthesized

# What API Gateway substitutes into a gateway response template (simple substitution,
# no Velocity): validationErrorString is raw text and may hold double quotes.
CONTEXT = {
    "$context.error.validationErrorString": (
        '[object has missing required properties (["password"]), '
        'instance type (integer) does not match any allowed primitive type (allowed: ["string"])]'
    ),
    "$context.error.messageString": '"Invalid request body"',
    "$context.error.message": "Invalid request body",
    "$context.error.responseType": "BAD_REQUEST_BODY",
    "$context.requestId": "c0ffee00-0000-4000-8000-000000000000",
}


def _render(template: str) -> str:
    # Longest names first so $context.error.message does not eat messageString.
    for name in sorted(CONTEXT, key=len, reverse=True):
        template = template.replace(name, CONTEXT[name])
    return template


def test_bad_request_body_renders_valid_json_with_quoted_errors(defaults: Synthesized) -> None:
    # given the BAD_REQUEST_BODY response template
    (template,) = [
        r["Properties"]["ResponseTemplates"]["application/json"]
        for r in defaults.resources("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == "BAD_REQUEST_BODY"
    ]

    # when API Gateway renders it for an error text full of double quotes
    body = json.loads(_render(template))

    # then the body is the runtime's error shape, and no Velocity call is left unrendered
    assert set(body) == {"error", "message"}
    assert body["error"] == "InvalidRequestBody"
    assert not re.search(r"\$util|\$input|#set", template)
    assert "$" not in body["message"]
