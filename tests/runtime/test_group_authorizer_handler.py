"""The group authorizer as Lambda runs it: environment, JWKS over HTTP, logs, cold start.

The emulator's Cognito signs real id tokens and serves its keys at
``{AWS_ENDPOINT_URL}/{pool}/.well-known/jwks.json``; pytest-httpserver stands in for the
pool's JWKS endpoint elsewhere. Rules: the Cognito guide "Verifying a JSON web token"
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
and API Gateway's Lambda authorizer output
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
"""

from __future__ import annotations

import ast
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from group_tokens import POOL_ID, PREFIX, REGION, ROUTES, event, id_claims, jwk, rsa_key, sign
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from runtime_asset import ASSET_ROOT, import_runtime_as_deployed

import_runtime_as_deployed()

import runtime.group_authorizer as group_authorizer  # noqa: E402 - registered just above
from runtime.group_authorizer import AuthorizerError, fetch_jwks, jwks_url  # noqa: E402

MODULES = ("group_authorizer.py", "jwt_rs256.py", "route_policy.py")


@pytest.fixture(autouse=True)
def fresh_authorizer() -> Iterator[None]:
    """Each test starts as a new execution environment: no authorizer, no keys."""
    group_authorizer._authorizer = None
    yield
    group_authorizer._authorizer = None


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> HTTPServer:
    """The function's environment, its JWKS_URL on the local server (nothing served yet)."""
    for name, value in {
        "USER_POOL_ID": POOL_ID,
        "USER_POOL_CLIENT_ID": "app-client-one",
        "AWS_REGION": REGION,
        "ROUTE_GROUPS": json.dumps(ROUTES),
        "JWKS_URL": httpserver.url_for("/keys"),
    }.items():
        monkeypatch.setenv(name, value)
    return httpserver


def slow(request: Request) -> Response:
    time.sleep(1)
    return Response("{}")


def serve_keys(server: HTTPServer, path: str = "/keys") -> None:
    server.expect_request(path).respond_with_json({"keys": [jwk(rsa_key("pool"), "k1")]})


def fresh_token(groups: Sequence[str] = ("auditors",)) -> str:
    return sign(id_claims(now=int(time.time()), groups=groups))


def test_the_emulators_id_tokens_pass(
    monkeypatch: pytest.MonkeyPatch,
    cognito: Any,
    invoke: Callable[..., Any],
    make_event: Callable[..., dict[str, Any]],
    confirmed_user: tuple[str, str],
) -> None:
    """Tokens of the emulator's Cognito verify with the keys it serves under
    AWS_ENDPOINT_URL: RS256, the real AWS issuer, token_use id, aud the app client."""
    name, password = confirmed_user
    cognito.admin.create_group(GroupName="auditors", UserPoolId=cognito.pool_id)
    cognito.admin.admin_add_user_to_group(
        UserPoolId=cognito.pool_id, Username=name, GroupName="auditors"
    )
    tokens = invoke(make_event("/auth", {"username": name, "password": password})).body
    monkeypatch.setenv("ROUTE_GROUPS", json.dumps(ROUTES))
    monkeypatch.delenv("JWKS_URL", raising=False)

    answer = group_authorizer.handler(event(tokens["id_token"]), None)

    assert answer["context"]["username"] == answer["context"]["cognito:username"] == name
    assert answer["context"]["groups"] == "auditors"
    assert answer["policyDocument"]["Statement"][0] == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": [PREFIX + "GET/admin/reports/*"],
    }
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        group_authorizer.handler(event(tokens["access_token"]), None)


def test_the_keys_are_fetched_once_per_execution_environment(environment: HTTPServer) -> None:
    """Fetched with urllib at first use, then kept: warm invocations fetch nothing."""
    serve_keys(environment)

    for _ in range(3):
        assert group_authorizer.handler(event(fresh_token()), None)["principalId"]

    assert len(environment.log) == 1


def test_the_keys_are_under_the_configured_endpoint(
    environment: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without JWKS_URL, AWS_ENDPOINT_URL (the emulator's services) is where the keys are:
    {AWS_ENDPOINT_URL}/{pool}/.well-known/jwks.json."""
    monkeypatch.delenv("JWKS_URL")
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", environment.url_for("/"))
    serve_keys(environment, f"/{POOL_ID}/.well-known/jwks.json")

    assert group_authorizer.handler(event(fresh_token()), None)["principalId"]


AWS_KEYS = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}/.well-known/jwks.json"
LOCAL = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566/"}
BOTH = {
    "AWS_ENDPOINT_URL": "http://a:1",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b:2",
}
IGNORED = {"AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
EXPLICIT = {"JWKS_URL": "https://keys.example/jwks.json", "AWS_ENDPOINT_URL": "http://a:1"}


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        ({}, AWS_KEYS),
        (LOCAL, f"http://127.0.0.1:4566/{POOL_ID}/.well-known/jwks.json"),
        (BOTH, f"http://b:2/{POOL_ID}/.well-known/jwks.json"),
        (IGNORED, AWS_KEYS),
        (EXPLICIT, "https://keys.example/jwks.json"),
    ],
    ids=["aws", "endpoint", "service-endpoint", "ignored", "explicit"],
)
def test_the_jwks_url(environ: dict[str, str], url: str) -> None:
    """The Cognito guide: a pool's keys are at https://cognito-idp.{region}.amazonaws.com/
    {userPoolId}/.well-known/jwks.json; a configured endpoint is found as botocore finds it."""
    assert jwks_url(environ, POOL_ID, REGION) == url


@pytest.mark.parametrize(
    "respond",
    [
        lambda s: s.expect_request("/keys").respond_with_data("oops", status=500),
        lambda s: s.expect_request("/keys").respond_with_data("not json"),
        lambda s: s.expect_request("/keys").respond_with_json({"no": "keys"}),
        lambda s: s.expect_request("/keys").respond_with_data(b"[" * 2_000_000),
        lambda s: s.expect_request("/keys").respond_with_handler(slow),
    ],
    ids=["status-500", "not-json", "not-a-jwks", "too-large", "timeout"],
)
def test_keys_that_cannot_be_had_answer_500_not_401(
    environment: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    respond: Callable[[HTTPServer], None],
) -> None:
    """An unreachable or broken JWKS is the authorizer's failure, not the token's: an error
    other than "Unauthorized" (API Gateway: 500, not 401), so clients keep their
    tokens. The next invocation fetches again."""
    monkeypatch.setattr(group_authorizer, "FETCH_TIMEOUT_SECONDS", 0.3)
    respond(environment)

    with pytest.raises(AuthorizerError, match="JWKS unavailable"):
        group_authorizer.handler(event(fresh_token()), None)

    monkeypatch.setattr(group_authorizer, "FETCH_TIMEOUT_SECONDS", 3.0)
    environment.clear()
    serve_keys(environment)
    assert group_authorizer.handler(event(fresh_token()), None)["principalId"]


def test_only_http_urls_are_fetched() -> None:
    """The JWKS is fetched over http(s) only: no file:// or other urllib scheme."""
    with pytest.raises(AuthorizerError, match="not an http"):
        fetch_jwks("file:///etc/passwd")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("USER_POOL_ID", ""),
        ("USER_POOL_ID", "not a pool"),
        ("USER_POOL_CLIENT_ID", " , "),
        ("AWS_REGION", ""),
        ("ROUTE_GROUPS", ""),
        ("ROUTE_GROUPS", '[{"method": "GET", "path": "/a", "groups": []}]'),
        ("ROUTE_GROUPS", '[{"method": "FETCH", "path": "/a", "groups": ["g"]}]'),
        ("ROUTE_GROUPS", '[{"method": "GET", "path": "/a/*", "groups": ["g"]}]'),
    ],
)
def test_invalid_settings_answer_500_naming_the_setting(
    environment: HTTPServer, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """A setting missing or invalid refuses every request (500), and says which one."""
    monkeypatch.setenv(name, value)

    with pytest.raises(AuthorizerError, match=name):
        group_authorizer.handler(event(fresh_token()), None)


def test_an_event_without_a_method_arn_answers_500(environment: HTTPServer) -> None:
    """The policy is built on the event's methodArn (the output page's Resource format);
    without one, nothing is decided."""
    serve_keys(environment)

    with pytest.raises(AuthorizerError, match="methodArn"):
        group_authorizer.handler(event(fresh_token(), method_arn="not-an-arn"), None)


def test_one_info_line_per_decision_without_token_or_claims(
    environment: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Logs hold counts and reasons, never the token or a claim; the username at DEBUG
    only."""
    serve_keys(environment)
    token = fresh_token(groups=["admins", "auditors"])
    caplog.set_level(logging.INFO, logger="cognito_api_construct.group_authorizer")

    group_authorizer.handler(event(token), None)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        group_authorizer.handler(event(token[:-4] + "AAAA"), None)

    records = [r for r in caplog.records if r.name == "cognito_api_construct.group_authorizer"]
    lines = [json.loads(record.getMessage()) for record in records]
    assert lines == [
        {"decision": "allow", "routes_allowed": 4, "routes": len(ROUTES), "groups": 2},
        {"decision": "unauthorized", "reason": "signature does not verify"},
    ]
    assert all(record.levelno == logging.INFO for record in records)
    text = caplog.text
    for secret in (token[:40], token.split(".")[1][:40], "alice", "5f1c2a7e", "example.com"):
        assert secret not in text

    caplog.clear()
    caplog.set_level(logging.DEBUG, logger="cognito_api_construct.group_authorizer")
    group_authorizer.handler(event(token), None)
    records = [r for r in caplog.records if r.name == "cognito_api_construct.group_authorizer"]
    assert [json.loads(r.getMessage()) for r in records if r.levelno == logging.DEBUG] == [
        {"username": "alice"}
    ]


def test_importing_the_authorizer_loads_only_light_standard_modules() -> None:
    """The cold start: a fresh interpreter importing the authorizer loads no third-party
    module, and not urllib.request/http.client/ssl either (the JWKS fetch imports them)."""
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"sys.path.insert(0, {str(ASSET_ROOT)!r})\n"
        "import runtime.group_authorizer\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )

    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    )

    loaded = set(json.loads(completed.stdout))
    assert {"runtime.group_authorizer", "runtime.jwt_rs256", "runtime.route_policy"} <= loaded
    third_party = {n for n in loaded if n.split(".")[0] not in sys.stdlib_module_names}
    ours = {"runtime", *(f"runtime.{module[:-3]}" for module in MODULES)}
    assert third_party <= ours
    assert not loaded & {"urllib.request", "http.client", "ssl", "email"}


@pytest.mark.parametrize("module", MODULES)
def test_the_modules_import_only_the_standard_library(module: str) -> None:
    """The runtime ships without dependencies: no PyJWT, no cryptography, no boto3 here."""
    tree = ast.parse((ASSET_ROOT / "runtime" / module).read_text())

    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])

    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
