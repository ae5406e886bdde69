"""Helpers of the emulator's end-to-end tests: HTTP calls, Cognito users, minted tokens."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto

from cognito_api_construct.client import CognitoApiClient, Tokens
from cognito_api_construct.local import LocalApi

TINY_ASSEMBLY = Path(__file__).parent / "fixtures" / "tiny_assembly"
SECRET_VALUE = "s3cr3t-value"
PASSWORD = "Corr3ct-Horse!Battery"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    raw: bytes | None = None,
) -> Reply:
    """One HTTP exchange over loopback; errors are replies too."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, _headers(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, _headers(error.headers), error.read())


def _headers(message: Message) -> dict[str, str]:
    """Headers by name; repeated ones joined with ", " as HTTP allows."""
    return {name: ", ".join(message.get_all(name) or []) for name in dict.fromkeys(message.keys())}


def cognito(api: LocalApi) -> Any:
    return boto3.client("cognito-idp", endpoint_url=api.services_url, region_name="us-east-1")


def sign_in(api: LocalApi, pool_id: str, client_id: str, username: str) -> dict[str, str]:
    """Create a confirmed user in the embedded Cognito and return its tokens."""
    client = cognito(api)
    client.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    parameters = {"USERNAME": username, "PASSWORD": PASSWORD}
    described = client.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    secret = described["UserPoolClient"].get("ClientSecret")
    if secret:  # the construct's client has one: Cognito wants the SECRET_HASH
        digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
        parameters["SECRET_HASH"] = base64.b64encode(digest.digest()).decode()
    result = client.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters
    )["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}


def moto_signing_key() -> Any:
    """moto's private signing key: anyone can mint tokens its JWKS accepts (docs/facts.md#moto)."""
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    with gzip.open(path) as document:
        jwk = json.load(document)
    return jwt.algorithms.RSAAlgorithm.from_jwk(jwk)


def mint(claims: dict[str, Any], *, expires_in: int = 3600) -> str:
    now = int(time.time())
    payload = {"iat": now, "auth_time": now, **claims, "exp": now + expires_in}
    return jwt.encode(payload, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})


def chat_completion(request: Any) -> Any:
    """The OpenAI-compatible stand-in's answer: echo the prompt (a werkzeug handler)."""
    from werkzeug import Response

    prompt = request.get_json()["messages"][0]["content"]
    document = {
        "model": "stand-in",
        "choices": [{"message": {"role": "assistant", "content": f"echo: {prompt}"}}],
    }
    return Response(json.dumps(document), content_type="application/json")


GPT_API_KEY = "sk-proof-key-1234567890"


def serve_gpt(
    cdk_out: Path, upstream_url: str, env: dict[str, str] | None = None, **options: Any
) -> LocalApi:
    """examples/gpt_app (not started yet) against ``upstream_url``, its key secret filled."""
    from cognito_api_construct.local.assembly import read_assembly, select_api

    stack, _ = select_api(read_assembly(cdk_out))
    secret_id = next(logical_id for logical_id, _ in stack.of_type("AWS::SecretsManager::Secret"))
    return LocalApi.from_cdk_out(
        cdk_out,
        env={"GptFunction.OPENAI_BASE_URL": upstream_url, **(env or {})},
        secrets={secret_id: json.dumps({"api_key": GPT_API_KEY})},
        port=0,
        **options,
    )


def self_signed_up(api: LocalApi, prefix: str) -> tuple[str, CognitoApiClient, Tokens]:
    """A new user of a ``SELF_SERVICE`` app: signed up, confirmed with the code the
    outbox holds, and signed in; (name, their client, their tokens)."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    client = CognitoApiClient(api.url)
    client.sign_up(name, f"{name}@example.com", password=PASSWORD)
    client.confirm_sign_up(name, str(api.outbox(f"{name}@example.com")[-1]["code"]))
    tokens = client.authenticate(name, PASSWORD)
    assert isinstance(tokens, Tokens)
    return name, client, tokens
