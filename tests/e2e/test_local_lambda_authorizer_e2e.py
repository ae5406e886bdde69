"""Lambda (custom) authorizers through a running emulator: a TOKEN one in Python, a REQUEST
one in Node.js, both run in the emulator's workers before the route's Lambda.

The hand-written assembly fixtures/lambda_authorizer_assembly has ``GET /token/{id}`` and
``ANY /other`` behind the TOKEN authorizer (header ``X-Token``, validation expression
``^[a-z][-a-z0-9]*$``, TTL 300) and ``GET /request/{id}`` behind the REQUEST authorizer
(header ``X-Token`` and query string ``tenant``, TTL 0); every route echoes its event. The
TOKEN authorizer logs each token it is called with, so tests count its invocations; each
test uses tokens of its own, the cache living as long as the emulator.

Pages: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local import LocalApi

from .helpers import Reply, call

ASSEMBLY = Path(__file__).parent / "fixtures" / "lambda_authorizer_assembly"
EXPLICIT = "User is not authorized to access this resource with an explicit deny"
IMPLICIT = "User is not authorized to access this resource"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node on PATH")


@pytest.fixture(scope="module")
def auth_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lambda-auth") / "tokens.log"


@pytest.fixture(scope="module")
def api(auth_log: Path) -> Iterator[LocalApi]:
    env = {"TokenAuthFunction9A8B7C6D.AUTH_LOG": str(auth_log)}
    with LocalApi.from_cdk_out(ASSEMBLY, env=env, port=0) as served:
        yield served


def _calls(auth_log: Path, token: str) -> int:
    """How many times the TOKEN authorizer ran with ``token``."""
    lines = auth_log.read_text().splitlines() if auth_log.exists() else []
    return lines.count(token)


def _get(api: LocalApi, path: str, token: str | None, method: str = "GET") -> Reply:
    headers = {"X-Token": token} if token is not None else {}
    return call(method, api.url + path, headers=headers)


def _arn(api: LocalApi, method: str, path: str) -> str:
    assert api.references is not None
    api_id = api.references.refs["AuthApi1A2B3C4D"]
    return f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/test/{method}/{path}"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_token_authorizer_allows_and_passes_its_context(api: LocalApi, auth_log: Path) -> None:
    """input page (TOKEN event) and output page (context stringified, principalId)."""
    token = _unique("allow")
    reply = _get(api, "token/42", token)
    assert reply.status == 200
    authorizer = reply.json()["event"]["requestContext"]["authorizer"]
    assert json.loads(authorizer.pop("event")) == {
        "type": "TOKEN",
        "authorizationToken": token,
        "methodArn": _arn(api, "GET", "token/42"),
    }
    assert isinstance(authorizer.pop("integrationLatency"), int)
    assert authorizer == {
        "token": token,
        "count": "3",
        "admin": "false",
        "principalId": f"user-{token}",
    }
    assert _calls(auth_log, token) == 1


def test_token_policy_is_cached_and_applied_to_other_routes(api: LocalApi, auth_log: Path) -> None:
    """console page: with caching the policy must cover every method the token calls."""
    token = _unique("allow")
    assert _get(api, "token/1", token).status == 200
    again = _get(api, "token/1", token)
    assert again.status == 200
    assert again.json()["event"]["requestContext"]["authorizer"]["integrationLatency"] == 0
    other = _get(api, "other", token, "POST")  # the cached policy names GET /token/1 only
    assert (other.status, other.json()) == (403, {"Message": IMPLICIT})
    assert _calls(auth_log, token) == 1
    wild = _unique("wild")
    for method, path in (("GET", "token/2"), ("POST", "other"), ("DELETE", "other")):
        assert _get(api, path, wild, method).status == 200
    assert _calls(auth_log, wild) == 1


def test_explicit_deny_is_403(api: LocalApi, auth_log: Path) -> None:
    """supported-gateway-response-types: ACCESS_DENIED 403; the Lambda never runs."""
    token = _unique("deny")
    reply = _get(api, "token/7", token)
    assert (reply.status, reply.json()) == (403, {"Message": EXPLICIT})
    assert reply.headers["x-amzn-ErrorType"] == "AccessDeniedException"


@pytest.mark.parametrize("token", [None, "", "Upper-case", "has space", "9-starts-with-digit"])
def test_missing_or_invalid_token_is_401_without_calling_the_authorizer(
    api: LocalApi, auth_log: Path, token: str | None
) -> None:
    """console page: a missing token, or one the validation expression refuses: 401."""
    before = auth_log.read_text() if auth_log.exists() else ""
    reply = _get(api, "token/7", token)
    assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})
    assert (auth_log.read_text() if auth_log.exists() else "") == before


@pytest.mark.parametrize(
    ("token", "status", "body"),
    [
        ("unauthorized", 401, {"message": "Unauthorized"}),
        ("boom", 500, {"message": None}),
        ("malformed", 500, {"message": None}),
        ("slow", 500, {"message": None}),
    ],
)
def test_authorizer_failures(
    api: LocalApi, auth_log: Path, token: str, status: int, body: dict[str, Any]
) -> None:
    """use-lambda-authorizer example: "Unauthorized" is 401; another error, a timeout
    (the function's 1-s Timeout) or no principalId is 500; none of them is cached."""
    before = _calls(auth_log, token)
    for _ in range(2):
        reply = _get(api, "token/7", token)
        assert (reply.status, reply.json()) == (status, body)
    assert _calls(auth_log, token) == before + 2


def test_request_authorizer_in_node_gets_the_request(api: LocalApi) -> None:
    """input page (REQUEST event: resource, path, headers, query, path parameters, context)."""
    reply = call("GET", api.url + "request/7?tenant=acme", headers={"X-Token": "t"})
    assert reply.status == 200
    authorizer = reply.json()["event"]["requestContext"]["authorizer"]
    assert authorizer["keys"].split(",") == [
        "type",
        "methodArn",
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
    ]
    assert authorizer["methodArn"] == _arn(api, "GET", "request/7")
    assert (authorizer["resource"], authorizer["pathId"]) == ("/request/{id}", "7")
    assert (authorizer["count"], authorizer["admin"]) == ("7", "true")
    assert authorizer["principalId"] == "tenant-acme"
    assert authorizer["sourceIp"] == "127.0.0.1"


def test_request_authorizer_with_ttl_0_runs_for_every_request(api: LocalApi) -> None:
    """API_Authorizer: a TTL of 0 disables caching."""
    nonces = set()
    for _ in range(2):
        reply = call("GET", api.url + "request/8?tenant=acme", headers={"X-Token": "t"})
        nonces.add(reply.json()["event"]["requestContext"]["authorizer"]["nonce"])
    assert len(nonces) == 2


@pytest.mark.parametrize(
    ("query", "token", "status", "body"),
    [
        ("", "t", 401, {"message": "Unauthorized"}),
        ("?tenant=", "t", 401, {"message": "Unauthorized"}),
        ("?tenant=acme", None, 401, {"message": "Unauthorized"}),
        ("?tenant=acme", "unauthorized", 401, {"message": "Unauthorized"}),
        ("?tenant=acme", "deny", 403, {"Message": EXPLICIT}),
        ("?tenant=acme", "boom", 500, {"message": None}),
    ],
)
def test_request_authorizer_refusals(
    api: LocalApi, query: str, token: str | None, status: int, body: dict[str, Any]
) -> None:
    """API_Authorizer identitySource (each source present and non-empty, else 401) and the
    supported gateway response types (401, 403, 500)."""
    reply = _get(api, "request/9" + query, token)
    assert (reply.status, reply.json()) == (status, body)
