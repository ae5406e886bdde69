"""The auth function under test: moto's Cognito, realistic proxy events, a Lambda context.

Shared by the runtime's tests and the client's (``tests/runtime/conftest.py`` and
``tests/client/conftest.py`` import these fixtures). The runtime is imported as the
Lambda imports it (package ``runtime`` from the asset root). The handler module creates
its Cognito client at import, so it is imported only once moto is active; tests then
call the real entry point, ``handler(event, context)``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3
import pytest

from runtime_asset import import_runtime_as_deployed

import_runtime_as_deployed()

#: Satisfies the pool's policy below (length 12, all four character classes).
TEMPORARY_PASSWORD = "Temp-Passw0rd!x"
NEW_PASSWORD = "N3w-Passw0rd!long"


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object the handler may read."""

    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "Auth-AuthFunction"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:Auth-AuthFunction"
    log_group_name: str = "/aws/lambda/Auth-AuthFunction"

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


@dataclass
class Reply:
    """A handler response, decoded."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    raw_body: str


@dataclass
class CognitoSetup:
    pool_id: str
    client_id: str
    client_secret: str
    admin: Any  # a moto-backed cognito-idp client for arranging state
    module: ModuleType  # runtime.handler, as Lambda imports it

    def secret_hash(self, username: str) -> str:
        """The SECRET_HASH of ``username`` for this client, computed here on its own."""
        import hashlib
        import hmac

        message = (username + self.client_id).encode()
        digest = hmac.new(self.client_secret.encode(), message, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()


def build_event(
    resource: str = "/auth",
    body: Any = None,
    *,
    method: str = "POST",
    content_type: str | None = "application/json",
    query: dict[str, str] | None = None,
    base64_body: bool = False,
    extra_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Build an API Gateway REST API proxy event (payload v1) as Lambda receives it.

    ``body`` may be a dict (JSON-encoded here), a str (sent as is) or None.
    """
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    if base64_body and text is not None:
        text = base64.b64encode(text.encode()).decode()
    headers = {
        "Accept": "*/*",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Viewer-Country": "DE",
        "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "python-requests/2.32.3",
        "Via": "1.1 0123456789abcdef.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "Jv3bV0y7yF0d3Xl2ZQ2n5Wl0o0e-8pW8cKc9zR0hLw2Xn1sD5g3jRA==",
        "X-Amzn-Trace-Id": "Root=1-6746f0a1-4b7e2f0c1d2e3f4a5b6c7d8e",
        "X-Forwarded-For": "203.0.113.7, 130.176.1.10",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if content_type is not None:
        headers["content-type"] = content_type
    headers.update(extra_headers or {})
    stage = "prod"
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": (
            {name: [value] for name, value in query.items()} if query else None
        ),
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": "CJ3xEGg5IAMFkRg=",
            "requestTime": "27/Nov/2026:11:30:15 +0000",
            "path": f"/{stage}{resource}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": "abcdef1234",
            "requestTimeEpoch": 1795779015000,
            "requestId": str(uuid.uuid4()),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": "python-requests/2.32.3",
                "user": None,
            },
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "apiId": "abcdef1234",
        },
        "body": text,
        "isBase64Encoded": base64_body,
    }


@pytest.fixture(scope="session")
def make_event() -> Callable[..., dict[str, Any]]:
    """The event builder, :func:`build_event` (a fixture: conftest is not importable)."""
    return build_event


@pytest.fixture(scope="session")
def passwords() -> tuple[str, str]:
    """(temporary password, new password), both valid under the pool's policy."""
    return TEMPORARY_PASSWORD, NEW_PASSWORD


@dataclass
class EmulatedCognito:
    """The emulator's Cognito (moto with the Cognito front), for one test session."""

    endpoint_url: str  # what the auth function calls, as in the emulator
    services: Any  # EmbeddedServices: its outbox() holds the codes Cognito sent

    def codes(self, to: str) -> list[str]:
        """The codes sent to ``to`` so far, oldest first."""
        return [m["code"] for m in self.services.outbox(to)]


@pytest.fixture(scope="session")
def emulated_cognito() -> Iterator[EmulatedCognito]:
    """The emulator's Cognito, once per session: moto keeps the users, the front answers
    as Cognito does (``local/cognito``) and sends codes to its outbox.

    It runs in a process of its own, so tests that use ``mock_aws`` in this one cannot
    reset it.
    """
    from cognito_api_construct.local.services import EmbeddedServices

    with EmbeddedServices() as services:
        yield EmulatedCognito(endpoint_url=services.endpoint_url, services=services)


@pytest.fixture(scope="module")
def cognito(emulated_cognito: EmulatedCognito) -> Iterator[CognitoSetup]:
    """A pool and an app client like the construct's in the emulated Cognito, per module.

    The handler module is imported once per process; its client, created at import,
    is replaced here by one for the emulated Cognito (another test may have imported the
    module first, with no endpoint set).
    """
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_SESSION_TOKEN", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_REGION", "us-east-1")
        env.setenv("AWS_ENDPOINT_URL", emulated_cognito.endpoint_url)
        for variable in ("CORS_ALLOW_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_EXPOSE_HEADERS"):
            env.delenv(variable, raising=False)
        admin = boto3.client(
            "cognito-idp", region_name="us-east-1", endpoint_url=emulated_cognito.endpoint_url
        )
        # Like the construct's default pool: MFA optional with TOTP, case-insensitive.
        pool_id = admin.create_user_pool(
            PoolName=f"auth-tests-{uuid.uuid4().hex[:8]}",
            MfaConfiguration="OPTIONAL",
            UsernameConfiguration={"CaseSensitive": False},
            AutoVerifiedAttributes=[],
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                    "TemporaryPasswordValidityDays": 7,
                }
            },
        )["UserPool"]["Id"]
        admin.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="OPTIONAL",
        )
        # Like the construct's client: a secret only the auth function holds, so every
        # call naming a user carries its SECRET_HASH (the front refuses it otherwise).
        client = admin.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="auth-tests",
            GenerateSecret=True,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="ENABLED",
            EnableTokenRevocation=True,
        )["UserPoolClient"]
        client_id = client["ClientId"]
        env.setenv("USER_POOL_ID", pool_id)
        env.setenv("USER_POOL_CLIENT_ID", client_id)
        env.setenv("USER_POOL_CLIENT_SECRET", client["ClientSecret"])
        from runtime import handler as module

        module._cognito = module.new_cognito_client()
        yield CognitoSetup(
            pool_id=pool_id,
            client_id=client_id,
            client_secret=client["ClientSecret"],
            admin=admin,
            module=module,
        )


@pytest.fixture
def invoke(cognito: CognitoSetup) -> Callable[..., Reply]:
    """Call the real entry point with an event and decode the response."""

    def call(event: dict[str, Any], context: Any = None) -> Reply:
        response = cognito.module.handler(event, context or LambdaContext())
        assert response["isBase64Encoded"] is False
        return Reply(
            status=response["statusCode"],
            headers=response["headers"],
            # An empty body (204) decodes to {}: raw_body tells them apart.
            body=json.loads(response["body"]) if response["body"] else {},
            raw_body=response["body"],
        )

    return call


@pytest.fixture
def username() -> str:
    """A username no other test uses (the pool lives for the whole session)."""
    return f"user-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def signed_up(invoke: Callable[..., Reply], username: str) -> str:
    """A user created through /signup, still in FORCE_CHANGE_PASSWORD; returns the name."""
    reply = invoke(
        build_event(
            "/signup",
            {
                "username": username,
                "email": f"{username}@example.com",
                "temporary_password": TEMPORARY_PASSWORD,
            },
        )
    )
    assert reply.status == 201, reply.body
    return username


@pytest.fixture
def new_password_challenge(invoke: Callable[..., Reply], signed_up: str) -> dict[str, Any]:
    """The NEW_PASSWORD_REQUIRED challenge of a freshly signed-up user's first sign-in."""
    reply = invoke(build_event("/auth", {"username": signed_up, "password": TEMPORARY_PASSWORD}))
    assert reply.status == 200, reply.body
    assert reply.body["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    return {"username": signed_up, **reply.body}


@pytest.fixture
def confirmed_user(
    invoke: Callable[..., Reply], new_password_challenge: dict[str, Any]
) -> tuple[str, str]:
    """A user who has set a permanent password; returns (username, password)."""
    name = new_password_challenge["username"]
    reply = invoke(
        build_event(
            "/challenge",
            {
                "challenge_name": "NEW_PASSWORD_REQUIRED",
                "session": new_password_challenge["session"],
                "challenge_responses": {"USERNAME": name, "NEW_PASSWORD": NEW_PASSWORD},
            },
        )
    )
    assert reply.status == 200, reply.body
    return name, NEW_PASSWORD


@pytest.fixture
def signed_in(
    invoke: Callable[..., Reply], confirmed_user: tuple[str, str]
) -> tuple[str, str, dict[str, Any]]:
    """A confirmed user's fresh sign-in; returns (username, password, tokens)."""
    name, password = confirmed_user
    reply = invoke(build_event("/auth", {"username": name, "password": password}))
    assert reply.status == 200, reply.body
    assert "access_token" in reply.body, reply.body
    return name, password, reply.body


def bearer(access_token: str, header: str = "Authorization") -> dict[str, str]:
    """The token header as a client sends it."""
    return {header: f"Bearer {access_token}"}


@pytest.fixture(scope="session")
def with_token() -> Callable[..., dict[str, str]]:
    """:func:`bearer`, as a fixture (conftest is not importable)."""
    return bearer


@contextlib.contextmanager
def boto3_in_handler(cognito: CognitoSetup) -> Iterator[Any]:
    """The handler on a plain boto3 client for one test (Stubber and botocore events need
    one); the standard-library client it uses otherwise is put back after.
    """
    from runtime.cognito_api import boto3_client

    previous = cognito.module._cognito
    cognito.module._cognito = boto3_client("us-east-1")
    try:
        yield cognito.module._cognito
    finally:
        cognito.module._cognito = previous


@pytest.fixture
def stubbed(cognito: CognitoSetup) -> Iterator[Any]:
    """botocore's Stubber on a boto3 client in the handler, for what the emulator cannot
    show (Cognito's rarer errors, new sessions at each step).

    The Stubber checks every expected call's parameters against the real service
    model, answers in place of the network and fails the test on any unexpected call.
    The route functions are the same whichever client they call
    (tests/runtime/test_cognito_client.py proves both clients answer alike).
    """
    from botocore.stub import Stubber

    with boto3_in_handler(cognito) as client:
        stub = Stubber(client)
        with stub:
            yield stub
        stub.assert_no_pending_responses()
