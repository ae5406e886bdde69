"""One structured log line per request, and no secret in any log line, even at DEBUG."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from runtime_asset import ASSET_ROOT

AUTH_LOGGER = "cognito_api_construct.auth"


def auth_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == AUTH_LOGGER]


def test_each_request_logs_one_structured_line(invoke, make_event, caplog):
    # given
    caplog.set_level(logging.INFO, logger=AUTH_LOGGER)
    context_id = str(uuid.uuid4())

    class Context:
        aws_request_id = context_id

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "Wrong-1!"}), Context())

    # then
    lines = auth_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == {
        "route", "method", "status", "latency_ms", "request_id", "error",
        # For operators only: which Cognito call and answer the caller's 401 hides.
        "exception", "operation", "cognito_error",
    }  # fmt: skip
    assert line["route"] == "/auth"
    assert line["method"] == "POST"
    assert line["status"] == reply.status == 401
    assert line["request_id"] == context_id
    assert line["error"] == "NotAuthorized"
    # An unknown user: Cognito answers as for a wrong password when the client prevents user
    # existence errors, as the construct's does.
    assert (line["operation"], line["cognito_error"]) == ("InitiateAuth", "NotAuthorizedException")
    assert isinstance(line["latency_ms"], float)
    assert line["latency_ms"] >= 0


def test_success_line_has_no_error_code(invoke, make_event, caplog, signed_up, passwords):
    # given
    caplog.set_level(logging.INFO, logger=AUTH_LOGGER)

    # when
    invoke(make_event("/login", {"username": signed_up, "password": passwords[0]}))

    # then
    (line,) = auth_lines(caplog)
    assert set(line) == {"route", "method", "status", "latency_ms", "request_id", "error"}
    assert (line["route"], line["status"], line["error"]) == ("/login", 200, None)


def test_unexpected_failure_logs_type_and_operation_not_text(invoke, make_event, caplog, stubbed):
    # given
    caplog.set_level(logging.INFO, logger=AUTH_LOGGER)
    secret_text = f"internal-{uuid.uuid4().hex}"
    stubbed.add_client_error("initiate_auth", "InternalErrorException", secret_text, 500)

    # when
    invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    (line,) = auth_lines(caplog)
    assert line["status"] == 500
    assert line["error"] == "InternalError"
    assert line["exception"] == "InternalErrorException"  # botocore's modeled ClientError
    assert line["operation"] == "InitiateAuth"
    assert line["cognito_error"] == "InternalErrorException"
    assert secret_text not in caplog.text
    assert all(r.exc_info is None for r in caplog.records if r.name == AUTH_LOGGER)


def test_missing_setting_is_named_in_the_log(invoke, make_event, caplog, monkeypatch):
    # given
    caplog.set_level(logging.INFO, logger=AUTH_LOGGER)
    monkeypatch.delenv("USER_POOL_CLIENT_ID")

    # when
    reply = invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert reply.status == 500
    (line,) = auth_lines(caplog)
    assert "USER_POOL_CLIENT_ID" in line["detail"]


def test_whole_workflow_leaves_no_secret_in_any_log(invoke, make_event, caplog, username):
    # given: everything logged at DEBUG, as an operator chasing a bug would set it
    caplog.set_level(logging.DEBUG)
    temporary, new = f"Tmp-{uuid.uuid4().hex}!A1", f"New-{uuid.uuid4().hex}!B2"
    signup = {
        "username": username,
        "email": f"{username}@example.com",
        "temporary_password": temporary,
    }

    # when
    invoke(make_event("/signup", signup))
    challenge = invoke(make_event("/auth", {"username": username, "password": temporary})).body
    responses = {"USERNAME": username, "NEW_PASSWORD": new}
    tokens = invoke(
        make_event(
            "/challenge",
            {
                "challenge_name": challenge["challenge_name"],
                "session": challenge["session"],
                "challenge_responses": json.dumps(responses),
            },
        )
    ).body
    invoke(make_event("/auth", {"username": username, "password": "Wrong-Passw0rd!"}))

    # then
    assert "id_token" in tokens
    secrets = [username, temporary, new, "Wrong-Passw0rd!", challenge["session"]]
    secrets += [tokens["id_token"], tokens["access_token"], tokens["refresh_token"]]
    # moto's own loggers are the fake service talking, not the Lambda.
    ours = "\n".join(
        f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("moto")
    )
    assert len(auth_lines(caplog)) == 4
    for secret in secrets:
        assert secret not in ours


def test_log_level_debug_does_not_unpin_botocore(tmp_path):
    # given: a fresh interpreter, LOG_LEVEL=DEBUG and a root logger printing everything,
    # the way Lambda's runtime prints records
    script = textwrap.dedent(
        """
        import json, logging, sys
        logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)
        from moto import mock_aws
        with mock_aws():
            import boto3, os
            admin = boto3.client("cognito-idp", region_name="us-east-1")
            pool = admin.create_user_pool(PoolName="p")["UserPool"]["Id"]
            client = admin.create_user_pool_client(UserPoolId=pool, ClientName="c")
            os.environ["USER_POOL_ID"] = pool
            os.environ["USER_POOL_CLIENT_ID"] = client["UserPoolClient"]["ClientId"]
            from runtime import handler
            body = {"username": "ana", "email": "a@example.com",
                    "temporary_password": "Pin-Secret-7731!"}
            event = {"resource": "/signup", "httpMethod": "POST",
                     "headers": {"Content-Type": "application/json"},
                     "body": json.dumps(body), "requestContext": {"requestId": "r"}}
            status = handler.handler(event, None)["statusCode"]
            event["resource"] = "/auth"
            event["body"] = json.dumps({"username": "ana", "password": "Pin-Secret-7731!"})
            handler.handler(event, None)
        levels = {name: logging.getLogger(name).getEffectiveLevel()
                  for name in ("botocore", "botocore.endpoint", "urllib3", "boto3",
                               "cognito_api_construct.auth")}
        print("RESULT", json.dumps({"status": status, "levels": levels}))
        """
    )
    env = {**os.environ, "LOG_LEVEL": "DEBUG", "PYTHONPATH": str(ASSET_ROOT)}

    # when
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )

    # then
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.split("RESULT ", 1)[1])
    assert result["status"] == 201
    assert result["levels"]["botocore"] == logging.WARNING
    assert result["levels"]["botocore.endpoint"] == logging.WARNING
    assert result["levels"]["urllib3"] == logging.WARNING
    assert result["levels"]["boto3"] == logging.WARNING
    assert result["levels"]["cognito_api_construct.auth"] == logging.DEBUG
    output = run.stdout + run.stderr
    assert "cognito_api_construct.auth" in output  # the handler's own lines do print
    assert "Pin-Secret-7731!" not in output


def test_lifecycle_routes_log_one_line_each_and_no_secret(
    invoke, make_event, caplog, signed_in, with_token, monkeypatch
):
    # given a signed-in user, everything at DEBUG
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    name, password, tokens = signed_in
    headers = with_token(tokens["access_token"])
    caplog.clear()

    # when every lifecycle route that works in-process runs once
    setup = invoke(make_event("/mfa/setup", "{}", extra_headers=headers))
    replies = [
        setup,
        invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]})),
        invoke(make_event("/password/forgot", {"username": name})),
        invoke(
            make_event(
                "/password/change",
                {"old_password": password, "new_password": "Chang3d-Passw0rd!"},
                extra_headers=headers,
            )
        ),
        invoke(make_event("/signout", "{}", extra_headers=headers)),
    ]

    # then one line per request, and no token, password, secret or username anywhere
    assert [r.status for r in replies] == [200, 200, 202, 200, 204]
    assert len(auth_lines(caplog)) == len(replies)
    logged = caplog.text
    for secret in (
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["id_token"],
        password,
        "Chang3d-Passw0rd!",
        setup.body["secret_code"],
        name,
    ):
        assert secret not in logged
