"""The emulator holds a burst: every one of 64 clients connecting at once gets an answer.

A page load, a test suite under xdist or a retry storm opens many connections at the
same instant; API Gateway never resets one for it. With the standard library's listen
backlog of 5, 86 of 192 such connections were reset by the kernel. The clients here
start together on a barrier, three times over, against the gateway (``/auth`` with a
wrong password, through the auth Lambda and the Cognito front) and against the embedded
services themselves.
"""

from __future__ import annotations

import json
import uuid

from cognito_api_construct.local import LocalApi
from raw_http import burst

from .helpers import PASSWORD, cognito

CLIENTS = 64
ROUNDS = 3


def _status_and_body(answer: bytes) -> tuple[str, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(errors="replace"), body


def test_64_simultaneous_wrong_passwords_get_64_answers_three_times(
    self_service_api: LocalApi,
) -> None:
    # given a real user, and 64 clients about to post a wrong password at once
    name = f"burst-{uuid.uuid4().hex[:8]}"
    admin = cognito(self_service_api)
    admin.admin_create_user(
        UserPoolId=self_service_api.user_pool_id, Username=name, MessageAction="SUPPRESS"
    )
    admin.admin_set_user_password(
        UserPoolId=self_service_api.user_pool_id, Username=name, Password=PASSWORD,
        Permanent=True,
    )  # fmt: skip
    body = json.dumps({"username": name, "password": "Wrong-Passw0rd!x"}).encode()
    request = (
        f"POST /{self_service_api.api.stage_name}/auth HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{self_service_api.port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    for _ in range(ROUNDS):
        # when they connect at the same instant
        sent = burst(self_service_api.port, request, CLIENTS)
        answers = [_status_and_body(answer) for answer in sent]

        # then every one is answered by the API: 401 NotAuthorized, no reset, no hang
        assert [line for line, _ in answers] == ["HTTP/1.1 401 Unauthorized"] * CLIENTS
        assert {json.loads(body)["error"] for _, body in answers} == {"NotAuthorized"}


def test_64_simultaneous_calls_to_the_embedded_services_get_64_answers(
    self_service_api: LocalApi,
) -> None:
    # given 64 clients of the embedded Cognito (the Lambdas' AWS endpoint)
    port = int(self_service_api.services_url.rstrip("/").rsplit(":", 1)[1])
    body = json.dumps({"UserPoolId": self_service_api.user_pool_id, "MaxResults": 1}).encode()
    request = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "X-Amz-Target: AWSCognitoIdentityProviderService.DescribeUserPool\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/"
        "aws4_request, SignedHeaders=host, Signature=0\r\n"
        f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    for _ in range(ROUNDS):
        # when they connect at once
        answers = [_status_and_body(answer) for answer in burst(port, request, CLIENTS)]

        # then each gets the pool
        assert [line for line, _ in answers] == ["HTTP/1.1 200 OK"] * CLIENTS
        assert all(b'"UserPool"' in body for _, body in answers)
