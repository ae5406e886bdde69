"""Requests as Cognito reads them: the AWS JSON 1.1 protocol's refusals, never a 500 or HTML.

https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html: the operation is named by
``X-Amz-Target``, the body is a JSON object of the input shape's members, and errors are
``{"__type", "message"}`` (with ``x-amzn-ErrorType``). A body or member the protocol
cannot read is ``SerializationException``, an operation the service lacks
``UnknownOperationException``; an internal failure is a 500
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html,
``InternalFailure``; Cognito's operations name it InternalErrorException). The services
port answers every error in that shape, whether the front or moto answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from werkzeug.test import Client

from cognito_api_construct.local.cognito import front, server
from cognito_api_construct.local.cognito.server import ServicesApp

from .support import PASSWORD, Pool, call, confirmed_user

PORT = 4566
HOST = f"127.0.0.1:{PORT}"


def _answer(action: str, body: bytes) -> tuple[int, dict[str, Any]]:
    answered = front.answer(action, body)
    assert isinstance(answered, tuple), f"{action} went to moto"
    status, headers, payload = answered
    decoded: dict[str, Any] = json.loads(payload)
    assert ("x-amzn-ErrorType", decoded.get("__type")) in headers or status == 200
    return status, decoded


@pytest.mark.parametrize(
    ("action", "body", "where"),
    [
        ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": [1]},
         "authParameters"),
        ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH",
                          "AuthParameters": {"USERNAME": {"a": 1}, "PASSWORD": "x"}},
         "authParameters.USERNAME"),
        ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"PASSWORD": [1]}},
         "authParameters.PASSWORD"),
        ("InitiateAuth", {"AuthFlow": 5, "AuthParameters": {}}, "authFlow"),
        ("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientMetadata": "x"},
         "clientMetadata"),
        ("RespondToAuthChallenge", {"ChallengeName": "SMS_MFA",
                                    "ChallengeResponses": {"USERNAME": None}},
         "challengeResponses.USERNAME"),
        ("SignUp", {"Username": "m", "Password": "x", "UserAttributes": "notalist"},
         "userAttributes"),
        ("SignUp", {"Username": "m", "Password": "x", "UserAttributes": [{"Name": 1}]},
         "userAttributes.1.member.name"),
        ("GetUser", {"AccessToken": 5}, "accessToken"),
        ("SetUserMFAPreference", {"AccessToken": "t",
                                  "SoftwareTokenMfaSettings": {"Enabled": "yes"}},
         "softwareTokenMfaSettings.enabled"),
        ("AdminCreateUser", {"UserPoolId": "p", "Username": "u", "DesiredDeliveryMediums": "EMAIL"},
         "desiredDeliveryMediums"),
        ("AdminInitiateAuth", {"UserPoolId": "p", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                               "AuthParameters": True}, "authParameters"),
    ],
)  # fmt: skip
def test_a_member_of_the_wrong_type_is_a_serialization_exception(
    make_pool: Callable[..., Pool], action: str, body: dict[str, Any], where: str
) -> None:
    """A list, object, number, boolean or null where the model has another type: 400
    SerializationException naming the member, whatever the operation; nothing runs.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (members serialized
    as their shapes' JSON types); the shapes are the API reference's, e.g.
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    (AuthParameters: "String to string map").
    """
    # given a pool and its client
    pool = make_pool()
    request = {"ClientId": pool.client_id, **body}

    # when the call is made with the wrongly typed member
    status, answer = _answer(action, json.dumps(request).encode())

    # then it is refused as the protocol refuses it
    assert status == 400
    assert answer["__type"] == "SerializationException"
    assert f"'{where}'" in answer["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"AuthFlow":"\xff\xfe"}',
        b"[1,2]",
        b'"text"',
        b'{"AuthFlow": NaN}',
        b'{"AuthFlow": 1e999999}',
        b'{"AuthFlow": ' + b"9" * 5000 + b"}",
        b"{",
    ],
    ids=["deep-list", "deep-object", "not-utf8", "list", "string", "nan", "inf", "huge-int", "cut"],
)
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(body: bytes) -> None:
    """Deeply nested, not UTF-8, not an object, not JSON: 400 SerializationException.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html ("the body of the
    request is a JSON object"; JSON is UTF-8, RFC 8259, without NaN or Infinity).
    """
    # when InitiateAuth gets such a body
    status, answer = _answer("InitiateAuth", body)

    # then it is a protocol error, not the front's failure
    assert (status, answer["__type"]) == (400, "SerializationException")


def test_a_missing_required_member_is_an_invalid_parameter(make_pool: Callable[..., Pool]) -> None:
    """A required member absent or null: 400 InvalidParameterException with AWS's message.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
    (AuthFlow and ClientId "Required: Yes"; InvalidParameterException "when the Amazon
    Cognito service encounters an invalid parameter").
    """
    # when InitiateAuth is called without a client and with a null flow
    status, answer = _answer("InitiateAuth", b'{"AuthFlow": null, "AuthParameters": {}}')

    # then both are named, as AWS's validation names them
    assert (status, answer["__type"]) == (400, "InvalidParameterException")
    assert answer["message"] == (
        "2 validation errors detected: "
        "Value null at 'authFlow' failed to satisfy constraint: Member must not be null; "
        "Value null at 'clientId' failed to satisfy constraint: Member must not be null"
    )


def test_null_optional_members_count_as_absent(make_pool: Callable[..., Pool]) -> None:
    """An optional member sent as null is as if not sent.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html documents no other
    reading and the SDKs never send a null member; AWS is silent: chosen here, as
    Smithy's JSON deserializers read a null structure member (absent).
    """
    # given alice
    pool = make_pool()
    confirmed_user(pool, "alice")

    # when she signs in with null metadata and context
    answer = call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        ClientMetadata=None, AnalyticsMetadata=None, Session=None,
    )  # fmt: skip

    # then she is signed in
    assert "AuthenticationResult" in answer


def test_an_unknown_operation_is_refused_before_moto(make_pool: Callable[..., Pool]) -> None:
    """A target the API does not have: 400 UnknownOperationException, not moto's 500.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (the operation named
    by ``X-Amz-Target``); AWS answers an unknown one with UnknownOperationException.
    """
    # when an unknown operation is called
    status, answer = _answer("Nope", b"{}")

    # then it is refused
    assert (status, answer["__type"]) == (400, "UnknownOperationException")


# The services port, around moto: no HTML, no traceback.


def _services(moto: Callable[..., Iterable[bytes]]) -> Client:
    app = ServicesApp(moto, "127.0.0.1")
    app.port = PORT
    return Client(app)


def _headers(target: str | None = None) -> dict[str, str]:
    headers = {"Host": HOST, "Content-Type": "application/x-amz-json-1.1"}
    if target:
        headers["X-Amz-Target"] = target
    return headers


def _html(status: str) -> Callable[..., Iterable[bytes]]:
    def moto(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Type", "text/html; charset=utf-8")])
        return [b"<html><pre>Traceback (most recent call last): secret</pre></html>"]

    return moto


def _raising(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise NotImplementedError("The get_user_auth_factors action has not been implemented")


def test_a_moto_failure_is_a_json_internal_error_without_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """moto's 500 page, or moto raising: JSON 500 InternalErrorException, one log line.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
    (InternalErrorException, 500: "when Amazon Cognito encounters an internal error");
    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (the error's shape).
    """
    # given moto failing both ways
    answers = []
    for moto in (_html("500 INTERNAL SERVER ERROR"), _raising):
        # when a Cognito call moto answers is made
        with caplog.at_level("WARNING"):
            reply = _services(moto).post(
                "/", headers=_headers(f"{front.PREFIX}ListUsers"), data=b'{"UserPoolId": "p"}'
            )
        answers.append((reply.status_code, reply.get_json(force=True), reply.data))

    # then each is Cognito's internal error, in JSON, without moto's page or traceback
    for status, body, raw in answers:
        assert status == 500
        assert body["__type"] == "InternalErrorException"
        assert b"Traceback" not in raw
        assert b"<html" not in raw
    assert answers[1][1]["message"] == "The emulator does not implement ListUsers"
    lines = [r.getMessage() for r in caplog.records if "moto" in r.getMessage()]
    assert len(lines) == 2
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "GET"])
def test_moto_html_error_pages_become_json(method: str) -> None:
    """A method or path moto has no route for: JSON ``{"__type", "message"}``, same status.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (errors are JSON
    objects with ``__type``); moto's own HTML pages are not AWS's.
    """
    # given moto's HTML 405
    client = _services(_html("405 METHOD NOT ALLOWED"))

    # when the port is called with such a method
    reply = client.open("/nothing", method=method, headers=_headers())

    # then the answer is JSON
    assert reply.status_code == 405
    assert reply.mimetype == "application/json"
    assert reply.get_json() == {
        "__type": "UnknownOperationException",
        "message": "Method Not Allowed",
    }


def test_moto_protocol_errors_pass_as_they_are() -> None:
    """moto's JSON or XML error of another service reaches its SDK unchanged.

    https://smithy.io/2.0/aws/protocols/aws-restxml-protocol.html (REST-XML errors are
    XML, which the services' SDKs parse).
    """

    # given moto answering an S3-like XML 404
    def moto(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("404 Not Found", [("Content-Type", "application/xml")])
        return [b"<Error><Code>NoSuchKey</Code></Error>"]

    # when it is called
    reply = _services(moto).get("/bucket/key", headers=_headers())

    # then its answer is moto's
    assert (reply.status_code, reply.data) == (404, b"<Error><Code>NoSuchKey</Code></Error>")


@pytest.mark.parametrize(
    ("target", "body", "code"),
    [
        ("Nope", b"{}", "UnknownOperationException"),
        ("ListUsers", b'{"UserPoolId":"\xff"}', "SerializationException"),
        ("ListUsers", b'{"UserPoolId":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         "SerializationException"),
        ("DescribeUserPool", b"[]", "SerializationException"),
        ("AdminGetUser", b'{"UserPoolId":"p","Username":5}', "SerializationException"),
    ],
    ids=["unknown", "not-utf8", "deep", "list", "int-name"],
)  # fmt: skip
def test_calls_for_moto_are_read_by_the_protocol_first(target: str, body: bytes, code: str) -> None:
    """What moto would answer with an HTML 500 is refused as the protocol refuses it.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html;
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
    (UserPoolId: a string).
    """
    # given a moto that must not be reached
    client = _services(_raising)

    # when the call is made
    reply = client.post("/", headers=_headers(front.PREFIX + target), data=body)

    # then the front refuses it
    assert reply.status_code == 400
    assert reply.get_json(force=True)["__type"] == code


def test_the_ports_own_refusals_are_in_the_protocols_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A foreign Host, a browser request, a body over the limit: ``{"__type", "message"}``.

    https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (errors are JSON
    objects with ``__type``, also named by ``x-amzn-ErrorType``); the refusals themselves
    are the emulator's (docs/cognito.md, README "Fidelity").
    """
    # given the port, its body limit small
    monkeypatch.setattr(server, "MAX_BODY_BYTES", 8)
    client = _services(_raising)
    target = _headers(front.PREFIX + "ListUsers")

    # when it gets each
    foreign = client.post("/", headers={**target, "Host": "rebind.example"}, data=b"{}")
    browser = client.post("/", headers={**target, "Origin": "http://evil.example"}, data=b"{}")
    too_big = client.post("/", headers=target, data=b'{"UserPoolId": "long enough"}')

    # then each is a JSON error naming its type
    assert [(r.status_code, r.get_json()["__type"]) for r in (foreign, browser, too_big)] == [
        (403, "AccessDeniedException"),
        (403, "AccessDeniedException"),
        (413, "RequestEntityTooLargeException"),
    ]
    assert all(r.headers["x-amzn-ErrorType"] for r in (foreign, browser, too_big))
