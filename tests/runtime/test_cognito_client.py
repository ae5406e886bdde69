"""The standard-library Cognito client (runtime.cognito_client) against boto3 and fakes.

Four kinds of proof:

* Twins against moto's server (a process of its own: moto's state is process-wide and
  the other runtime tests use ``mock_aws`` in-process): the same operation through
  boto3 and through ``CognitoClient``, on twin users, gives equal answers and equal
  errors.
* A scripted loopback HTTP server: the exact request, the error forms, the retries,
  timeouts, connection reuse and reconnection, the endpoint from the environment.
* Properties against botocore itself: its method names, its endpoint resolution, its
  retry decisions and backoff, its Stubber's ``ClientError`` for every cognito-idp
  error code.
* The point of it all: importing the module loads neither boto3 nor botocore.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import itertools
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime.account import change_password, sign_out
from runtime.cognito_client import (
    OPERATION_METHODS,
    THROTTLING_ERROR_CODES,
    UNAUTHENTICATED_OPERATIONS,
    CognitoClient,
    CognitoResponseError,
    CognitoServiceError,
    CognitoUnreachableError,
    resolve_endpoint,
    secret_hash,
    worst_case_seconds,
)
from runtime.context import Caller, Settings
from runtime.mfa import set_up_totp, verify_totp

from runtime import cognito_client as module
from runtime import cognito_errors, routes
from runtime_asset import ASSET_ROOT
from tls_certificates import self_signed_certificate
from totp_codes import fresh_totp

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SERVICE_MODEL = botocore.session.get_session().get_service_model("cognito-idp")
PASSWORD = "Tw1n-Passw0rd!long"
NEW_PASSWORD = "N3w-Tw1n-Passw0rd!"
#: The function's boto3 configuration today (runtime/handler.py).
HANDLER_CONFIG = Config(
    connect_timeout=2, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 3}
)


# Moto's server, in its own process ---------------------------------------------------
@dataclass
class Moto:
    url: str
    pool_id: str
    client_id: str
    admin: Any  # boto3, for arranging state
    boto: Any  # boto3, configured as the handler's client is
    ours: CognitoClient
    services: Any  # EmbeddedServices: its outbox holds the codes sent

    def last_code(self, name: str) -> str:
        """The newest code emailed to ``<name>@example.com``."""
        return str(self.services.outbox(f"{name}@example.com")[-1]["code"])


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    """The emulator's Cognito (moto behind its front) on a loopback port, a pool, a client."""
    from cognito_api_construct.local.services import EmbeddedServices

    with EmbeddedServices() as services:
        url = services.endpoint_url
        admin = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=url)
        pool_id = admin.create_user_pool(
            PoolName="twins",
            AutoVerifiedAttributes=["email"],
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
            MfaConfiguration="OPTIONAL",
        )["UserPool"]["Id"]
        admin.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="OPTIONAL",
        )
        client_id = admin.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="twins",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        yield Moto(
            url=url,
            pool_id=pool_id,
            client_id=client_id,
            admin=admin,
            boto=boto3.client(
                "cognito-idp", region_name="us-east-1", endpoint_url=url, config=HANDLER_CONFIG
            ),
            ours=CognitoClient("us-east-1", endpoint_url=url),
            services=services,
        )


#: Differ between twins by nature: tokens, sessions, generated ids.
VOLATILE = frozenset({"AccessToken", "IdToken", "RefreshToken", "Session", "UserSub", "SecretCode"})


def comparable(result: dict[str, Any], *usernames: str) -> Any:
    """A result without ResponseMetadata, volatile values or the twin's username."""
    text = json.dumps(
        {k: v for k, v in result.items() if k != "ResponseMetadata"}, sort_keys=True, default=str
    )
    for name in usernames:
        text = text.replace(name, "<user>")
    return _redact(json.loads(text))


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("Name") == "sub":  # a user attribute: the user's generated id
            return {"Name": "sub", "Value": "<volatile>"}
        if "Destination" in value:  # masked from each twin's own address
            value = {**value, "Destination": "<masked>"}
        return {k: "<volatile>" if k in VOLATILE else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


@dataclass
class Twins:
    """One user per client: ``boto`` for boto3's calls, ``ours`` for CognitoClient's."""

    moto: Moto
    boto: str = field(default_factory=lambda: f"boto-{uuid.uuid4().hex[:10]}")
    ours: str = field(default_factory=lambda: f"ours-{uuid.uuid4().hex[:10]}")

    def call(self, method: str, **params: Callable[[str], Any] | Any) -> tuple[Any, Any]:
        """Call ``method`` through both clients; a callable parameter gets the username."""

        def resolved(name: str) -> dict[str, Any]:
            return {k: v(name) if callable(v) else v for k, v in params.items()}

        boto_result = getattr(self.moto.boto, method)(**resolved(self.boto))
        our_result = getattr(self.moto.ours, method)(**resolved(self.ours))
        return (
            comparable(boto_result, self.boto, self.ours),
            comparable(our_result, self.boto, self.ours),
        )

    def errors(self, method: str, **params: Callable[[str], Any] | Any) -> tuple[Any, Any]:
        """Call ``method`` through both, each expected to fail: (boto3's, ours) errors."""

        def resolved(name: str) -> dict[str, Any]:
            return {k: v(name) if callable(v) else v for k, v in params.items()}

        with pytest.raises(ClientError) as boto_error:
            getattr(self.moto.boto, method)(**resolved(self.boto))
        with pytest.raises(CognitoServiceError) as our_error:
            getattr(self.moto.ours, method)(**resolved(self.ours))
        return (
            _error_view(boto_error.value, self.boto, self.ours),
            _error_view(our_error.value, self.boto, self.ours),
        )

    def create(self, temporary: str = PASSWORD) -> None:
        """Both users, created by an administrator, in FORCE_CHANGE_PASSWORD."""
        for name in (self.boto, self.ours):
            self.moto.admin.admin_create_user(
                UserPoolId=self.moto.pool_id,
                Username=name,
                TemporaryPassword=temporary,
                UserAttributes=[
                    {"Name": "email", "Value": f"{name}@example.com"},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )

    def confirmed(self) -> None:
        """Both users, with PASSWORD as their permanent password."""
        self.create()
        for name in (self.boto, self.ours):
            self.moto.admin.admin_set_user_password(
                UserPoolId=self.moto.pool_id, Username=name, Password=PASSWORD, Permanent=True
            )

    def sign_in(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Both confirmed users signed in (each through its own client): their tokens."""
        self.confirmed()
        tokens = []
        for client, name in ((self.moto.boto, self.boto), (self.moto.ours, self.ours)):
            tokens.append(
                client.initiate_auth(
                    AuthFlow="USER_PASSWORD_AUTH",
                    ClientId=self.moto.client_id,
                    AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                )["AuthenticationResult"]
            )
        return tokens[0], tokens[1]


def _error_view(error: Exception, *usernames: str) -> dict[str, Any]:
    response = error.response  # type: ignore[attr-defined]
    message = response["Error"]["Message"]
    for name in usernames:
        message = message.replace(name, "<user>")
    return {
        "code": response["Error"]["Code"],
        "message": message,
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
        "operation": error.operation_name,  # type: ignore[attr-defined]
    }


@pytest.fixture
def twins(moto: Moto) -> Twins:
    """Two fresh usernames, one per client."""
    return Twins(moto)


def test_sign_up_and_confirm_sign_up_answer_alike(twins: Twins) -> None:
    # given: two new usernames (the twins fixture)

    # when
    signed_up = twins.call(
        "sign_up",
        ClientId=twins.moto.client_id,
        Username=lambda name: name,
        Password=PASSWORD,
        UserAttributes=lambda name: [{"Name": "email", "Value": f"{name}@example.com"}],
    )
    confirmed = twins.call(
        "confirm_sign_up",
        ClientId=twins.moto.client_id,
        Username=lambda name: name,
        ConfirmationCode=twins.moto.last_code,
    )

    # then
    boto_answer, our_answer = signed_up
    assert our_answer == boto_answer
    assert our_answer["UserSub"] == "<volatile>"  # it was there, and only it differs
    assert our_answer["UserConfirmed"] is False
    assert confirmed[1] == confirmed[0] == {}
    status = twins.moto.admin.admin_get_user(UserPoolId=twins.moto.pool_id, Username=twins.ours)
    assert status["UserStatus"] == "CONFIRMED"


def test_new_password_challenge_and_answer_alike(twins: Twins) -> None:
    # given
    twins.create()

    # when
    challenges = twins.call(
        "initiate_auth",
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=twins.moto.client_id,
        AuthParameters=lambda name: {"USERNAME": name, "PASSWORD": PASSWORD},
    )
    sessions = {}
    for client, name in ((twins.moto.boto, twins.boto), (twins.moto.ours, twins.ours)):
        sessions[name] = client.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=twins.moto.client_id,
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )["Session"]
    answered = twins.call(
        "respond_to_auth_challenge",
        ClientId=twins.moto.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=lambda name: sessions[name],
        ChallengeResponses=lambda name: {"USERNAME": name, "NEW_PASSWORD": NEW_PASSWORD},
    )

    # then
    assert challenges[1] == challenges[0]
    assert challenges[1]["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert answered[1] == answered[0]
    assert answered[1]["AuthenticationResult"]["AccessToken"] == "<volatile>"
    assert answered[1]["AuthenticationResult"]["TokenType"] == "Bearer"


def test_signed_in_operations_answer_alike(twins: Twins) -> None:
    # given
    boto_tokens, our_tokens = twins.sign_in()
    access = {twins.boto: boto_tokens["AccessToken"], twins.ours: our_tokens["AccessToken"]}
    refresh = {twins.boto: boto_tokens["RefreshToken"], twins.ours: our_tokens["RefreshToken"]}

    # when
    user = twins.call("get_user", AccessToken=lambda name: access[name])
    refreshed = twins.call(
        "initiate_auth",
        AuthFlow="REFRESH_TOKEN_AUTH",
        ClientId=twins.moto.client_id,
        AuthParameters=lambda name: {"REFRESH_TOKEN": refresh[name]},
    )
    associated = twins.call("associate_software_token", AccessToken=lambda name: access[name])
    secrets = {  # each user's own secret (the newest association is the one verified)
        name: client.associate_software_token(AccessToken=access[name])["SecretCode"]
        for client, name in ((twins.moto.boto, twins.boto), (twins.moto.ours, twins.ours))
    }
    verified = twins.call(
        "verify_software_token",
        AccessToken=lambda name: access[name],
        UserCode=lambda name: fresh_totp(secrets[name]),
    )
    changed = twins.call(
        "change_password",
        AccessToken=lambda name: access[name],
        PreviousPassword=PASSWORD,
        ProposedPassword=NEW_PASSWORD,
    )
    forgot = twins.call("forgot_password", ClientId=twins.moto.client_id, Username=lambda n: n)
    signed_out = twins.call("global_sign_out", AccessToken=lambda name: access[name])

    # then
    for boto_answer, our_answer in (user, refreshed, associated, verified, changed, forgot):
        assert our_answer == boto_answer
    assert signed_out[1] == signed_out[0] == {}
    assert user[1]["Username"] == "<user>"
    assert {"Name": "email", "Value": "<user>@example.com"} in user[1]["UserAttributes"]
    assert refreshed[1]["AuthenticationResult"]["IdToken"] == "<volatile>"
    assert verified[1]["Status"] == "SUCCESS"
    assert forgot[1]["CodeDeliveryDetails"]["DeliveryMedium"]  # moto says SMS; both alike


def test_errors_answer_alike(twins: Twins) -> None:
    # given
    twins.confirmed()
    client_id = twins.moto.client_id

    # when
    wrong_password = twins.errors(
        "initiate_auth",
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters=lambda name: {"USERNAME": name, "PASSWORD": "Wr0ng-Passw0rd!x"},
    )
    unknown_user = twins.errors(
        "initiate_auth",
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters=lambda name: {"USERNAME": f"nobody-{name}", "PASSWORD": PASSWORD},
    )
    existing = twins.errors(
        "sign_up", ClientId=client_id, Username=lambda name: name, Password=PASSWORD
    )
    weak = twins.errors(
        "sign_up", ClientId=client_id, Username=lambda name: f"new-{name}", Password="weak"
    )
    bad_token = twins.errors("get_user", AccessToken="not-a-token")

    # then
    for boto_error, our_error in (wrong_password, unknown_user, existing, weak, bad_token):
        assert our_error == boto_error
    assert wrong_password[1]["code"] == "NotAuthorizedException"
    assert unknown_user[1]["code"] == "UserNotFoundException"
    assert existing[1]["code"] == "UsernameExistsException"
    assert weak[1]["code"] == "InvalidPasswordException"
    assert {e[1]["status"] for e in (wrong_password, unknown_user, existing, weak)} == {400}


def test_route_functions_work_unchanged_with_our_client(twins: Twins) -> None:
    # given
    twins.create()
    cognito = twins.moto.ours
    settings_ = Settings(user_pool_id=twins.moto.pool_id, client_id=twins.moto.client_id)
    name = twins.ours
    nobody = Caller()

    # when
    challenge = routes.sign_in(cognito, settings_, {"username": name, "password": PASSWORD}, nobody)
    tokens = routes.answer_challenge(
        cognito,
        settings_,
        {
            "challenge_name": challenge["challenge_name"],
            "session": challenge["session"],
            "challenge_responses": {"USERNAME": name, "NEW_PASSWORD": NEW_PASSWORD},
        },
        nobody,
    )
    caller = Caller(tokens["access_token"])
    setup = set_up_totp(cognito, settings_, {}, caller)
    preferred = verify_totp(cognito, settings_, {"code": fresh_totp(setup["secret_code"])}, caller)
    changed = change_password(
        cognito, settings_, {"old_password": NEW_PASSWORD, "new_password": PASSWORD}, caller
    )
    refreshed = routes.refresh(
        cognito, settings_, {"refresh_token": tokens["refresh_token"]}, nobody
    )
    sign_out(cognito, settings_, {}, caller)

    # then
    assert challenge["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    assert tokens["token_type"] == "Bearer"
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    assert preferred == {"preferred_mfa": "SOFTWARE_TOKEN_MFA"}
    assert changed == {}
    assert refreshed["access_token"]
    with pytest.raises(CognitoServiceError) as signed_out:
        cognito.get_user(AccessToken=tokens["access_token"])
    assert signed_out.value.code == "NotAuthorizedException"


def test_secret_hash_is_the_one_cognito_checks(moto: Moto, twins: Twins) -> None:
    # given: an app client with a secret (moto checks SECRET_HASH on REFRESH_TOKEN_AUTH)
    with_secret = moto.admin.create_user_pool_client(
        UserPoolId=moto.pool_id,
        ClientName="with-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, client_secret = with_secret["ClientId"], with_secret["ClientSecret"]
    twins.confirmed()
    name = twins.ours
    refresh_token = moto.ours.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={
            "USERNAME": name,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(name, client_id, client_secret),
        },
    )["AuthenticationResult"]["RefreshToken"]

    def refresh(hash_value: str) -> dict[str, Any]:
        return moto.ours.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=client_id,
            AuthParameters={"REFRESH_TOKEN": refresh_token, "SECRET_HASH": hash_value},
        )

    # when
    value = secret_hash(name, client_id, client_secret)
    accepted = refresh(value)
    with pytest.raises(CognitoServiceError) as refused:
        refresh(secret_hash(name, client_id, "another-secret"))

    # then
    assert "AccessToken" in accepted["AuthenticationResult"]
    assert refused.value.code == "NotAuthorizedException"
    expected = hmac.new(client_secret.encode(), (name + client_id).encode(), "sha256").digest()
    assert base64.b64decode(value) == expected


def test_secret_hash_encodes_text_as_utf8() -> None:
    # given
    username, client_id, secret = "zoë", "client", "sécret"

    # when
    value = secret_hash(username, client_id, secret)

    # then
    digest = hmac.new("sécret".encode(), "zoëclient".encode(), hashlib.sha256).digest()
    assert value == base64.b64encode(digest).decode()
    assert len(base64.b64decode(value)) == 32


# A scripted loopback server ----------------------------------------------------------
@dataclass
class Answer:
    """One scripted answer. ``hang``: say nothing for that long, then drop the connection;
    ``close``: drop the connection after answering (without a ``Connection: close``);
    ``truncate``: promise more body than is sent, then drop the connection."""

    status: int = 200
    body: bytes | dict[str, Any] = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0
    close: bool = False
    truncate: bool = False


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int


class FakeCognito:
    """An HTTP/1.1 keep-alive server on 127.0.0.1 answering a script, recording requests.

    With ``tls`` (an ``ssl.SSLContext``) it serves HTTPS.
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.script: deque[Answer] = deque()
        self.seen: list[Seen] = []
        self.connections = 0
        self.stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                fake.connections += 1
                self.connection_number = fake.connections

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fake.seen.append(
                    Seen(
                        self.command,
                        self.path,
                        dict(self.headers.items()),
                        self.rfile.read(length),
                        self.connection_number,
                    )
                )
                answer = fake.script.popleft() if fake.script else Answer()
                if answer.hang:
                    fake.stop.wait(answer.hang)
                    self.close_connection = True
                    return
                body = answer.body
                payload = json.dumps(body).encode() if isinstance(body, dict) else body
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                size = len(payload) + (100 if answer.truncate else 0)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                self.wfile.write(payload)
                self.close_connection = answer.close or answer.truncate

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def answer(self, *answers: Answer) -> None:
        self.script.extend(answers)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeCognito]:
    server = FakeCognito()
    try:
        yield server
    finally:
        server.close()


class Sleeps(list[float]):
    """An injected ``sleep`` that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(fake: FakeCognito, sleeps: Sleeps) -> CognitoClient:
    """Our client on the fake server; waits are recorded, jitter is its maximum."""
    return CognitoClient("us-east-1", endpoint_url=fake.url, sleep=sleeps, random=lambda: 1.0)


def error(code: str, status: int = 400, message: str = "m") -> Answer:
    return Answer(status, {"__type": code, "message": message})


def test_request_is_a_json_post_with_the_target(fake: FakeCognito, client: CognitoClient) -> None:
    # given
    fake.answer(Answer(200, {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s"}))
    params = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c", "AuthParameters": {"A": "é"}}

    # when
    result = client.initiate_auth(**params)

    # then
    assert result == {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s"}
    (request,) = fake.seen
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.InitiateAuth"
    assert request.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert request.headers["User-Agent"].startswith("cognito-api-construct-runtime ")
    assert json.loads(request.body) == params
    assert "Authorization" not in request.headers  # no SigV4, no credentials


def test_empty_answer_is_an_empty_dict_and_path_follows_the_endpoint(
    fake: FakeCognito, sleeps: Sleeps
) -> None:
    # given
    fake.answer(Answer(200, b""))
    client = CognitoClient("us-east-1", endpoint_url=f"{fake.url}/prefix", sleep=sleeps)

    # when
    result = client.call("GlobalSignOut", {"AccessToken": "t"})

    # then
    assert result == {}
    assert fake.seen[0].path == "/prefix"  # botocore's _urljoin with requestUri "/"


def test_a_2xx_body_that_is_not_an_object_is_refused(
    fake: FakeCognito, client: CognitoClient
) -> None:
    # given
    fake.answer(Answer(200, b"[1, 2]"), Answer(200, b"<html>token</html>"))

    # when / then
    for _ in range(2):
        with pytest.raises(CognitoResponseError) as refused:
            client.get_user(AccessToken="t")
        assert "token" not in str(refused.value)
    assert len(fake.seen) == 2  # never retried


@pytest.mark.parametrize(
    ("answer", "code", "message"),
    [
        (
            error("NotAuthorizedException", message="Incorrect."),
            "NotAuthorizedException",
            "Incorrect.",
        ),
        (
            Answer(400, {"__type": "com.amazonaws.cognito#NotAuthorizedException", "Message": "M"}),
            "NotAuthorizedException",
            "M",
        ),
        (
            Answer(
                400,
                b"",
                {"x-amzn-ErrorType": "NotAuthorizedException:http://internal.amazon.com/"},
            ),
            "NotAuthorizedException",
            "",
        ),
        (Answer(400, b"not json"), "400", "not json"),
        (Answer(404, b"{}"), "404", ""),
    ],
    ids=["plain", "shape-id", "header-only", "not-json", "nothing"],
)
def test_error_forms(
    fake: FakeCognito, client: CognitoClient, answer: Answer, code: str, message: str
) -> None:
    # given
    answer.headers.setdefault("x-amzn-RequestId", "req-1")
    fake.answer(answer)

    # when
    with pytest.raises(CognitoServiceError) as raised:
        client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="c", AuthParameters={})

    # then
    failure = raised.value
    assert (failure.code, failure.message, failure.status) == (code, message, answer.status)
    assert (failure.operation, failure.operation_name) == ("InitiateAuth", "InitiateAuth")
    assert failure.request_id == "req-1"
    assert failure.response["Error"] == {"Code": code, "Message": message}
    metadata = failure.response["ResponseMetadata"]
    assert (metadata["HTTPStatusCode"], metadata["RequestId"]) == (answer.status, "req-1")
    assert len(fake.seen) == 1


def test_a_generic_5xx_page_takes_the_status_as_code(fake: FakeCognito, sleeps: Sleeps) -> None:
    # given
    client = CognitoClient("us-east-1", endpoint_url=fake.url, sleep=sleeps, total_max_attempts=1)
    fake.answer(Answer(502, b"<html><body>Bad gateway</body></html>"))

    # when
    with pytest.raises(CognitoServiceError) as raised:
        client.get_user(AccessToken="t")

    # then
    assert (raised.value.code, raised.value.message) == ("502", "Bad Gateway")


@pytest.mark.parametrize(
    ("answer", "scale"),
    [
        (Answer(500, b""), 0.05),
        (Answer(503, b"{}"), 0.05),
        (error("InternalErrorException", 500), 0.05),
        (error("RequestTimeoutException", 400), 0.05),
        (error("ThrottlingException"), 1.0),
        (error("TooManyRequestsException"), 1.0),
        (error("LimitExceededException"), 1.0),
        (Answer(429, b""), 1.0),
        (error("SomethingUndeclaredException", 429), 1.0),
    ],
    ids=lambda value: (
        str(value.status) + str(value.body)[:40] if isinstance(value, Answer) else None
    ),
)
def test_retryable_answers_are_retried_up_to_three_attempts(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps, answer: Answer, scale: float
) -> None:
    # given
    fake.answer(answer, answer, answer)

    # when
    with pytest.raises(CognitoServiceError) as raised:
        client.get_user(AccessToken="t")

    # then
    assert len(fake.seen) == 3
    assert sleeps == [scale * 1, scale * 2]  # random() * min(scale * 2 ** (i - 1), 20)
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2


def test_a_retry_that_succeeds_returns_the_answer(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps
) -> None:
    # given
    fake.answer(error("ThrottlingException"), Answer(200, {"Username": "ada"}))

    # when
    result = client.get_user(AccessToken="t")

    # then
    assert result == {"Username": "ada"}
    assert len(fake.seen) == 2
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    "answer",
    [
        error("NotAuthorizedException"),
        error("UserNotFoundException"),
        error("NotAuthorizedException", 429),  # declared by GetUser: the model decides
        error("CodeMismatchException", 409),
    ],
)
def test_other_errors_are_not_retried(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps, answer: Answer
) -> None:
    # given
    fake.answer(answer, Answer(200, {}))

    # when
    with pytest.raises(CognitoServiceError):
        client.get_user(AccessToken="t")

    # then
    assert len(fake.seen) == 1
    assert sleeps == []


def test_retry_after_header_raises_the_wait_by_at_most_five_seconds(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps
) -> None:
    # given
    late = error("ThrottlingException")
    late.headers["x-amz-retry-after"] = "2500"
    later = error("ThrottlingException")
    later.headers["x-amz-retry-after"] = "60000"
    fake.answer(late, later, Answer(200, {}))

    # when
    client.get_user(AccessToken="t")

    # then
    assert sleeps == [2.5, 2.0 + 5.0]


def test_retry_quota_stops_retries_while_cognito_keeps_failing(
    fake: FakeCognito, sleeps: Sleeps
) -> None:
    # given: 500 of capacity, 14 per retry of a 5xx, nothing back for a failure, 1 back
    # for a success without retries, never above 500
    client = CognitoClient(
        "us-east-1", endpoint_url=fake.url, sleep=sleeps, random=lambda: 0.0, total_max_attempts=2
    )

    def attempts_of_failing_calls(count: int) -> list[int]:
        made = []
        for _ in range(count):
            before = len(fake.seen)
            fake.answer(Answer(500, b""), Answer(500, b""))
            with pytest.raises(CognitoServiceError):
                client.get_user(AccessToken="t")
            made.append(len(fake.seen) - before)
            fake.script.clear()
        return made

    def successes(count: int) -> None:
        for _ in range(count):
            client.get_user(AccessToken="t")

    # when
    successes(10)  # at full capacity: nothing to give back
    exhausted = attempts_of_failing_calls(37)
    successes(4)  # 10 + 4 = 14: one retry's worth
    refilled = attempts_of_failing_calls(2)

    # then
    assert exhausted == [2] * 35 + [1, 1]  # 35 * 14 = 490; the 10 left are not enough
    assert refilled == [2, 1]


def test_read_timeouts_end_unreachable_within_the_bound(fake: FakeCognito) -> None:
    # given
    fake.answer(*[Answer(hang=5.0)] * 3)
    client = CognitoClient(
        "us-east-1", endpoint_url=fake.url, connect_timeout=0.2, read_timeout=0.3
    )
    started = time.monotonic()

    # when
    with pytest.raises(CognitoUnreachableError) as raised:
        client.get_user(AccessToken="t")

    # then
    elapsed = time.monotonic() - started
    assert raised.value.attempts == 3
    assert raised.value.operation == "GetUser"
    assert len(fake.seen) == 3
    assert fake.connections == 3  # a timed-out connection is never reused
    assert 3 * 0.3 <= elapsed <= worst_case_seconds(0.2, 0.3, 3) + 0.5


def test_connect_timeouts_end_unreachable_within_the_bound(sleeps: Sleeps) -> None:
    # given: a listener whose one-connection backlog is full; new connects get no answer
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    client = CognitoClient(
        "us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        connect_timeout=0.2,
        read_timeout=0.3,
        sleep=sleeps,
    )
    started = time.monotonic()

    # when
    try:
        with pytest.raises(CognitoUnreachableError) as raised:
            client.get_user(AccessToken="t")
    finally:
        filler.close()
        listener.close()

    # then
    elapsed = time.monotonic() - started
    assert raised.value.attempts == 3
    assert "TimeoutError" in str(raised.value)
    assert len(sleeps) == 2
    assert all(wait < 0.05 * 2 for wait in sleeps)  # transient scale: 50 ms, then 100 ms
    assert 3 * 0.2 <= elapsed <= 3 * (0.2 + 0.3) + 0.5


def test_refused_connections_are_retried_then_unreachable(sleeps: Sleeps) -> None:
    # given: a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CognitoClient("us-east-1", endpoint_url=f"http://127.0.0.1:{port}", sleep=sleeps)

    # when
    with pytest.raises(CognitoUnreachableError) as raised:
        client.sign_up(ClientId="c", Username="u", Password=PASSWORD)

    # then
    assert raised.value.attempts == 3
    assert "ConnectionRefusedError" in str(raised.value)
    assert PASSWORD not in str(raised.value)
    assert len(sleeps) == 2


def test_one_connection_serves_several_calls(fake: FakeCognito, client: CognitoClient) -> None:
    # given
    fake.answer(Answer(200, {}), error("NotAuthorizedException"), Answer(200, {}))

    # when
    client.get_user(AccessToken="t")
    with pytest.raises(CognitoServiceError):
        client.get_user(AccessToken="t")
    client.get_user(AccessToken="t")

    # then
    assert len(fake.seen) == 3
    assert fake.connections == 1
    assert {seen.connection for seen in fake.seen} == {1}


def test_a_connection_the_server_closed_is_replaced_without_a_retry(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps
) -> None:
    # given: the server drops the kept-alive connection after its first answer
    fake.answer(Answer(200, {}, close=True), Answer(200, {"Username": "ada"}))
    client.get_user(AccessToken="t")
    time.sleep(0.05)  # let the close reach us

    # when
    result = client.get_user(AccessToken="t")

    # then
    assert result == {"Username": "ada"}
    assert fake.connections == 2
    assert sleeps == []  # no attempt spent on the dead connection


def test_connection_close_header_is_honoured(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps
) -> None:
    # given
    fake.answer(Answer(200, {}, headers={"Connection": "close"}, close=True), Answer(200, {}))

    # when
    client.get_user(AccessToken="t")
    client.get_user(AccessToken="t")

    # then
    assert fake.connections == 2
    assert sleeps == []


def test_an_answer_cut_short_is_retried_on_a_new_connection(
    fake: FakeCognito, client: CognitoClient, sleeps: Sleeps
) -> None:
    # given
    fake.answer(Answer(200, b'{"Username": ', truncate=True), Answer(200, {"Username": "ada"}))

    # when
    result = client.get_user(AccessToken="t")

    # then
    assert result == {"Username": "ada"}
    assert fake.connections == 2
    assert sleeps == [0.05]


def test_calls_log_nothing_and_print_nothing(
    fake: FakeCognito,
    client: CognitoClient,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    # given
    caplog.set_level(logging.DEBUG)
    fake.answer(Answer(200, {"AuthenticationResult": {"AccessToken": "tok-9f2e"}}))

    # when
    client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId="c",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
    )

    # then
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert PASSWORD not in text
        assert "tok-9f2e" not in text
    assert caplog.records == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key) PEM files."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_fake(certificate: tuple[Path, Path]) -> Iterator[FakeCognito]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = FakeCognito(tls=context)
    try:
        yield server
    finally:
        server.close()


def test_https_endpoints_work_and_verify_the_certificate(
    tls_fake: FakeCognito,
    certificate: tuple[Path, Path],
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a server whose certificate only SSL_CERT_FILE makes trusted
    untrusting = CognitoClient("us-east-1", endpoint_url=tls_fake.url, sleep=sleeps)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    trusting = CognitoClient("us-east-1", endpoint_url=tls_fake.url, sleep=sleeps)
    tls_fake.answer(Answer(200, {"Username": "ada"}), Answer(200, {"Username": "bob"}))

    # when
    answers = [trusting.get_user(AccessToken="t"), trusting.get_user(AccessToken="t")]
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(CognitoUnreachableError) as refused:
        untrusting.get_user(AccessToken="t")

    # then
    assert answers == [{"Username": "ada"}, {"Username": "bob"}]
    assert tls_fake.connections == 1  # both calls on one TLS connection
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    assert refused.value.attempts == 3  # as botocore, which retries its SSLError


# The time budget, on a fake clock ----------------------------------------------------
class SlowCognito:
    """Stands in for the network: each attempt takes the full connect + read timeout,
    then times out or answers a throttling error, on a clock that sleeps also move."""

    def __init__(self, outcomes: tuple[str, ...], retry_after: str | None = None) -> None:
        self.now = 0.0
        self.outcomes = list(outcomes)
        self.retry_after = retry_after

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def exchange(self, client: CognitoClient) -> Callable[..., Any]:
        def exchange(body: bytes, headers: Any) -> tuple[int, Any, bytes]:
            self.now += client.connect_timeout + client.read_timeout
            if self.outcomes.pop(0) == "timeout":
                raise TimeoutError("timed out")
            answer_headers = {"x-amz-retry-after": self.retry_after} if self.retry_after else {}
            return 400, answer_headers, b'{"__type": "TooManyRequestsException"}'

        return exchange


@pytest.mark.parametrize("outcomes", list(itertools.product(["timeout", "throttled"], repeat=3)))
def test_worst_case_fits_the_functions_timeout(outcomes: tuple[str, ...]) -> None:
    # given: the defaults, the largest jitter, attempts that each use all their time
    slow = SlowCognito(outcomes)
    client = CognitoClient("us-east-1", sleep=slow.sleep, random=lambda: 1.0)
    client._exchange = slow.exchange(client)  # type: ignore[method-assign]

    # when
    with pytest.raises((CognitoServiceError, CognitoUnreachableError)):
        client.get_user(AccessToken="t")

    # then
    assert slow.outcomes == []  # exactly three attempts
    assert slow.now <= worst_case_seconds() == 18.0 < 20.0
    if outcomes[:2] == ("throttled", "throttled"):
        assert slow.now == 18.0  # the bound is reached, not just respected


def test_worst_case_with_retry_after_is_pinned_too() -> None:
    # given: an x-amz-retry-after far beyond the cap on every throttling answer
    slow = SlowCognito(("throttled",) * 3, retry_after="3600000")
    client = CognitoClient("us-east-1", sleep=slow.sleep, random=lambda: 1.0)
    client._exchange = slow.exchange(client)  # type: ignore[method-assign]

    # when
    with pytest.raises(CognitoServiceError):
        client.get_user(AccessToken="t")

    # then: 15 s of attempts + (1 + 5) + (2 + 5)
    assert slow.now == worst_case_seconds(retry_after=True) == 28.0


# Endpoint resolution -----------------------------------------------------------------
#: One botocore session for every endpoint comparison: it reads the environment at each
#: create_client, and creating sessions is what would make these tests slow.
BOTOCORE_SESSION = botocore.session.get_session()


def botocore_endpoint(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], region: str) -> str:
    """The endpoint botocore's client gets with exactly ``env`` for endpoint settings."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in (
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "AWS_USE_FIPS_ENDPOINT",
            "AWS_USE_DUALSTACK_ENDPOINT",
        ):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = BOTOCORE_SESSION.create_client("cognito-idp", region_name=region)
    endpoint: str = client.meta.endpoint_url
    return endpoint


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"AWS_ENDPOINT_URL": "http://global.test:4566"},
        {"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://service.test:9229"},
        {
            "AWS_ENDPOINT_URL": "http://global.test:4566",
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://service.test:9229",
        },
        {
            "AWS_ENDPOINT_URL": "http://global.test:4566",
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "",
        },
        {
            "AWS_ENDPOINT_URL": "http://global.test:4566",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "True",
        },
        {"AWS_ENDPOINT_URL": "http://global.test:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1"},
        {"AWS_USE_FIPS_ENDPOINT": "true"},
        {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_ENDPOINT_URL": "https://global.test"},
    ],
)
def test_endpoint_from_the_environment_is_botocores(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    # given
    expected = botocore_endpoint(monkeypatch, env, "eu-west-1")

    # when
    resolved = CognitoClient("eu-west-1").endpoint_url

    # then
    assert resolved == expected


def test_every_known_region_resolves_as_in_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    loader = botocore.session.get_session().get_component("data_loader")
    partitions = loader.load_data("partitions")["partitions"]
    regions = [region for partition in partitions for region in partition["regions"]]
    regions += ["fips-us-east-1", "us-gov-west-1-fips", "xx-unknown-9"]

    # when / then
    for fips in ("", "true"):
        for region in regions:
            env = {"AWS_USE_FIPS_ENDPOINT": fips} if fips else {}
            expected = botocore_endpoint(monkeypatch, env, region)
            assert resolve_endpoint(region, environ=env) == expected, (region, fips)
    assert resolve_endpoint("cn-north-1", environ={}).endswith(".amazonaws.com.cn")


def test_endpoint_explicit_and_refusals() -> None:
    # given
    env = {"AWS_ENDPOINT_URL": "http://env.test"}

    # when / then
    assert resolve_endpoint("us-east-1", "http://explicit.test", env) == "http://explicit.test"
    with pytest.raises(ValueError, match="region"):
        resolve_endpoint(None, environ={})
    with pytest.raises(ValueError, match="invalid region"):
        resolve_endpoint("bad_region!", environ={})
    with pytest.raises(ValueError, match="AWS_USE_DUALSTACK_ENDPOINT"):
        resolve_endpoint("us-east-1", environ={"AWS_USE_DUALSTACK_ENDPOINT": "true"})
    dual_stack_with_endpoint = {"AWS_USE_DUALSTACK_ENDPOINT": "true", **env}
    assert resolve_endpoint("us-east-1", environ=dual_stack_with_endpoint) == "http://env.test"
    with pytest.raises(ValueError, match="Invalid endpoint"):
        CognitoClient("us-east-1", endpoint_url="ftp://cognito.test")


def test_the_environment_endpoint_is_called(
    fake: FakeCognito, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", fake.url)
    fake.answer(Answer(200, {"Username": "ada"}))

    # when
    result = CognitoClient("us-east-1").get_user(AccessToken="t")

    # then
    assert result == {"Username": "ada"}
    assert len(fake.seen) == 1


# botocore's own names and model ------------------------------------------------------
def test_operations_are_exactly_the_unauthenticated_ones_of_the_model() -> None:
    # given
    model_operations = {
        name
        for name in SERVICE_MODEL.operation_names
        if SERVICE_MODEL.operation_model(name).auth_type == "none"
    }

    # then
    assert model_operations == UNAUTHENTICATED_OPERATIONS
    assert len(UNAUTHENTICATED_OPERATIONS) == 34


def test_method_names_are_botocores() -> None:
    # given
    expected = {xform_name(operation): operation for operation in UNAUTHENTICATED_OPERATIONS}

    # then
    assert dict(OPERATION_METHODS) == expected
    boto_client = boto3.client("cognito-idp", region_name="us-east-1")
    for method in OPERATION_METHODS:
        assert callable(getattr(boto_client, method))


def test_declared_errors_are_the_models() -> None:
    # given
    from runtime._cognito_errors import DECLARED_ERRORS

    # then
    assert {
        operation: frozenset(s.name for s in SERVICE_MODEL.operation_model(operation).error_shapes)
        for operation in UNAUTHENTICATED_OPERATIONS
    } == DECLARED_ERRORS


def test_sigv4_operations_and_positional_arguments_are_refused(client: CognitoClient) -> None:
    # when / then
    with pytest.raises(ValueError, match="SigV4"):
        client.call("AdminCreateUser", {"UserPoolId": "p", "Username": "u"})
    with pytest.raises(AttributeError, match="admin_create_user"):
        client.admin_create_user  # noqa: B018
    with pytest.raises(TypeError, match="keyword"):
        client.get_user("token")
    assert "initiate_auth" in dir(client)


# Properties against botocore ---------------------------------------------------------
ALL_CODES = sorted(
    {shape.name for shape in SERVICE_MODEL.error_shapes}
    | THROTTLING_ERROR_CODES
    | module.TRANSIENT_ERROR_CODES
)
ERROR_STATUSES = [400, 403, 404, 409, 429, 500, 502, 503, 504]


def minimal_params(shape: Any) -> Any:
    """The smallest parameters botocore's validation accepts for an input shape."""
    if shape.type_name == "structure":
        if shape.is_document_type:
            return {}
        return {name: minimal_params(shape.members[name]) for name in shape.required_members}
    if shape.type_name == "string":
        return "x" * max(1, int(shape.metadata.get("min", 1)))
    if shape.type_name == "list":
        return [minimal_params(shape.member) for _ in range(int(shape.metadata.get("min", 0)))]
    if shape.type_name == "map":
        return {}
    if shape.type_name in ("integer", "long"):
        return int(shape.metadata.get("min", 0))
    if shape.type_name == "boolean":
        return True
    raise AssertionError(shape.type_name)


@pytest.fixture(scope="module")
def stubbed() -> Any:
    return boto3.client("cognito-idp", region_name="us-east-1")


@BOUNDED
@given(
    operation=st.sampled_from(sorted(UNAUTHENTICATED_OPERATIONS)),
    code=st.sampled_from(ALL_CODES),
    status=st.sampled_from(ERROR_STATUSES),
    form=st.sampled_from(["plain", "shape-id", "header"]),
    message=st.text(max_size=40),
)
def test_service_errors_carry_what_botocores_client_error_carries(
    stubbed: Any, operation: str, code: str, status: int, form: str, message: str
) -> None:
    # given: the error as botocore's Stubber raises it, and as Cognito would send it
    params = minimal_params(SERVICE_MODEL.operation_model(operation).input_shape)
    with Stubber(stubbed) as stub:
        stub.add_client_error(
            xform_name(operation),
            service_error_code=code,
            service_message=message,
            http_status_code=status,
        )
        with pytest.raises(ClientError) as boto_error:
            getattr(stubbed, xform_name(operation))(**params)
    if form == "header":
        headers = {"X-Amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/"}
        body = json.dumps({"message": message}).encode()
    else:
        type_ = code if form == "plain" else f"com.amazonaws.cognito.identity.idp.model#{code}"
        headers = {}
        body = json.dumps({"__type": type_, "message": message}).encode()

    # when
    ours = CognitoServiceError.from_response(operation, status, headers, body)

    # then
    theirs = boto_error.value
    assert ours.response["Error"] == theirs.response["Error"]
    assert ours.operation_name == theirs.operation_name == operation
    assert (
        ours.response["ResponseMetadata"]["HTTPStatusCode"]
        == theirs.response["ResponseMetadata"]["HTTPStatusCode"]
    )
    # and the runtime's mapping answers both alike, credential by credential
    as_client_error = ClientError(ours.response, ours.operation_name)  # type: ignore[arg-type]
    for credential in ("password", "session", "access_token", "refresh_token"):
        mapped = cognito_errors.from_cognito(as_client_error, "r", credential)  # type: ignore[arg-type]
        expected = cognito_errors.from_cognito(theirs, "r", credential)  # type: ignore[arg-type]
        assert (type(mapped), mapped.status) == (type(expected), expected.status)


@BOUNDED
@given(
    operation=st.sampled_from(sorted(UNAUTHENTICATED_OPERATIONS)),
    code=st.sampled_from([*ALL_CODES, "SomethingNewException", "429"]),
    status=st.sampled_from([*ERROR_STATUSES, 401, 408, 501]),
    attempt=st.integers(min_value=1, max_value=4),
    retry_after=st.sampled_from([None, "0", "250", "7000", "-5", "soon"]),
)
def test_retry_decisions_and_backoff_are_botocores(
    operation: str, code: str, status: int, attempt: int, retry_after: str | None
) -> None:
    # given: botocore's standard-mode checkers on the same answer
    from botocore.awsrequest import AWSResponse
    from botocore.retries import standard

    headers = {"x-amz-retry-after": retry_after} if retry_after is not None else {}
    context = standard.RetryContext(
        attempt_number=attempt,
        operation_model=SERVICE_MODEL.operation_model(operation),
        parsed_response={"Error": {"Code": code, "Message": ""}},
        http_response=AWSResponse("https://cognito.test", status, headers, None),
    )
    detector = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
    botocore_retries = standard.StandardRetryConditions(max_attempts=3).is_retryable(context)
    botocore_delay = standard.ExponentialBackoff(
        random=lambda: 0.75, throttling_detector=detector
    ).delay_amount(context)
    client = CognitoClient("us-east-1", random=lambda: 0.75)

    # when
    retryable, throttling = module._classify(operation, status, code)
    delay = client._delay(attempt, throttling, retry_after)

    # then
    assert (retryable and attempt < 3) == botocore_retries
    assert throttling == detector.is_throttling_error_from_context(context)
    assert delay == pytest.approx(botocore_delay)


# Cold start --------------------------------------------------------------------------
def test_importing_the_client_loads_neither_boto3_nor_botocore() -> None:
    # given: a fresh interpreter that imports the runtime as Lambda does
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ASSET_ROOT)!r})\n"
        "import runtime.cognito_client as c\n"
        "c.CognitoClient('us-east-1')\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )

    # when
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    )

    # then
    loaded = set(json.loads(completed.stdout))
    assert "runtime.cognito_client" in loaded
    assert not {name for name in loaded if name.split(".")[0] in {"boto3", "botocore", "urllib3"}}


def test_the_module_imports_only_the_standard_library() -> None:
    # given
    for path in (
        ASSET_ROOT / "runtime" / "cognito_client.py",
        ASSET_ROOT / "runtime" / "_cognito_errors.py",
    ):
        tree = ast.parse(path.read_text())

        # when
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])

        # then: no third-party module, and no logger (bodies hold passwords and tokens)
        assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
        assert "logging" not in imported
    assert Path(module.__file__).name == "cognito_client.py"
