"""schemathesis against the running emulator, driven by the OpenAPI document it serves.

examples/gpt_app is served with its real auth runtime and gpt handler (the model
service is the loopback stand-in); schemathesis reads ``GET /openapi.json`` and sends
positive and negative requests to every operation with every check but two, each
excluded for a stated reason (``_checks``), plus one of ours: a body valid per the
document always passes the gateway's model. Passing means: no 5xx, and every response
matches the document (status, content type, headers, body schema). Bounded by
``SCHEMATHESIS_MAX_EXAMPLES`` per operation and mode (default 25); ``make proof``
raises it and reads the tally of requests from ``FUZZ_REPORT``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, unsupported_method

from cognito_api_construct.client import CognitoApiClient
from cognito_api_construct.local import LocalApi

from .helpers import call, chat_completion, serve_gpt

pytestmark = pytest.mark.slow

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
TOKEN_HEADER = "Auth"


class RequestTally(logging.Handler):
    """Counts the requests the emulator's gateway answered, by status."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.by_status: dict[int, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        # The gateway's one line per request: "%s %s %d %.1f ms" (method, path, status).
        if record.msg == "%s %s %d %.1f ms" and isinstance(record.args, tuple):
            status = int(record.args[2])
            self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@pytest.fixture(scope="module")
def tally() -> Iterator[RequestTally]:
    handler = RequestTally()
    logger = logging.getLogger("cognito_api_construct.local.gateway")
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)
    summary = {
        "requests": handler.total,
        "by_status": {str(k): v for k, v in sorted(handler.by_status.items())},
        "max_examples_per_operation": MAX_EXAMPLES,
    }
    print(f"\nschemathesis: {json.dumps(summary)}")
    report = os.environ.get("FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(summary), encoding="utf-8")


@pytest.fixture(scope="module")
def fuzz_api(gpt_cdk_out: Path, upstream: Any) -> Iterator[LocalApi]:
    """The example with its key secret filled, so a valid /gpt call reaches the stand-in."""
    with serve_gpt(gpt_cdk_out, upstream.url_for("/")) as api:
        yield api


@pytest.fixture(scope="module")
def id_token(fuzz_api: LocalApi) -> str:
    client = CognitoApiClient(fuzz_api.url, token_header=TOKEN_HEADER)
    client.sign_up("fuzzer", "fuzzer@example.com", "Tmp-Fuzz1!word")
    return client.complete_new_password("fuzzer", "Tmp-Fuzz1!word", "N3w-Fuzz!word-long").id_token


@pytest.fixture(scope="module")
def served_document(fuzz_api: LocalApi, upstream: Any, tally: RequestTally) -> Any:
    # The model service answers every well-formed completion, so /gpt never fails upstream.
    upstream.clear()
    upstream.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        chat_completion
    )
    root = fuzz_api.url.split(f"/{fuzz_api.api.stage_name}/")[0]
    loaded = schemathesis.openapi.from_url(f"{root}/openapi.json")
    loaded.config.update(base_url=fuzz_api.url.rstrip("/"))
    return loaded


#: Auth routes where a body the model accepts may still be refused, by contract, with
#: 400: /signup (InvalidPassword, InvalidParameter: Cognito's own rules on values),
#: /challenge (a challenge_responses string that is not a JSON object, no USERNAME, an
#: unknown challenge name, a weak NEW_PASSWORD), and the routes that check a code or a
#: new password (CodeMismatch, ExpiredCode, InvalidPassword). The model is the gateway's
#: syntactic gate; the Lambda checks the meaning.
SEMANTIC_400_PATHS = frozenset(
    {
        "/signup",
        "/challenge",
        "/signup/confirm",
        "/password/confirm",
        "/password/change",
        "/mfa/verify",
    }
)
#: The 400 codes of the auth Lambda for a body the gateway let through: Cognito's rules on
#: values, and a well-formed but wrong or stale code on the confirmation and MFA routes.
SEMANTIC_400_CODES = frozenset(
    {"InvalidRequestBody", "InvalidPassword", "InvalidParameter", "CodeMismatch", "ExpiredCode"}
)


def gateway_accepts_document_valid_bodies(ctx: Any, response: Any, case: Any) -> bool | None:
    """A body valid per the document passes the gateway's model; only the Lambda may refuse it.

    API Gateway's own answers carry ``x-amzn-ErrorType``; the Lambda's never do.
    """
    if response.status_code == 400:
        gateway_error = response.headers.get("x-amzn-errortype")
        assert not gateway_error, f"the gateway refused a document-valid body ({gateway_error})"
        code = json.loads(response.content)["error"]
        assert code in SEMANTIC_400_CODES, f"400 {code} for a document-valid body"
    return True


def _checks(operation: Any, mode: GenerationMode) -> tuple[list[Any], list[Any]]:
    """(excluded, additional) checks for one operation, each exclusion with its reason."""
    excluded: list[Any] = [
        # API Gateway answers a method the API does not define with 403 "Missing
        # Authentication Token", not 405: the emulator plays the deployed API.
        unsupported_method,
    ]
    additional: list[Any] = []
    body = operation.definition.raw.get("requestBody")
    has_model = body is not None and any(
        "$ref" in media.get("schema", {}) for media in body.get("content", {}).values()
    )
    if body is not None and not has_model:
        # No model in the template: the document cannot say which bodies the route's
        # own code accepts, so "valid per the document" is not "valid".
        excluded.append(positive_data_acceptance)
    if operation.path in SEMANTIC_400_PATHS:
        excluded.append(positive_data_acceptance)
    if has_model and mode is GenerationMode.POSITIVE:
        additional.append(gateway_accepts_document_valid_bodies)
    return excluded, additional


def _fuzz(operation: Any, mode: GenerationMode, id_token: str) -> None:
    """Send ``MAX_EXAMPLES`` generated requests to one operation; raise on a failed check."""
    protected = bool(operation.definition.raw.get("security"))
    headers = {TOKEN_HEADER: id_token} if protected else {}
    excluded, additional = _checks(operation, mode)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    def send(case: Any) -> None:
        case.call_and_validate(
            headers=headers, excluded_checks=excluded, additional_checks=additional, timeout=30
        )

    send()


def _has_input(operation: Any) -> bool:
    """Whether the operation takes a body or parameters (besides the token header)."""
    definition = operation.definition.raw
    parameters = [p for p in definition.get("parameters", []) if p.get("in") != "header"]
    return bool(definition.get("requestBody") or parameters)


# schemathesis' own pytest integration (from_fixture + parametrize) fails on pytest 9.2
# (it reads the removed Item._nodeid), so the operations are driven with hypothesis here.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_to_the_document(
    served_document: Any, id_token: str, mode: GenerationMode
) -> None:
    # given every operation of the served document
    operations = [result.ok() for result in served_document.get_all_operations()]
    assert operations

    # when each gets generated requests of this mode (protected ones with a real id token)
    failures = {}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _has_input(operation):
            continue  # nothing a client sends to mutate (GET /me, DELETE /me)
        try:
            _fuzz(operation, mode, id_token)
        except Exception as failure:  # collected, reported below
            failures[operation.label] = failure

    # then no check failed anywhere: no 5xx, every answer as the document says
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())


def test_the_served_document_is_valid_openapi(fuzz_api: LocalApi) -> None:
    from openapi_spec_validator import validate

    # given the running emulator
    root = fuzz_api.url.split(f"/{fuzz_api.api.stage_name}/")[0]

    # when its document is fetched from the root, outside the stage
    reply = call("GET", f"{root}/openapi.json")

    # then it is valid OpenAPI 3.0, names the stage URL first, and lists every route
    assert reply.status == 200
    document = reply.json()
    validate(document)
    assert document["servers"][0]["url"] == fuzz_api.url.rstrip("/")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert operations == {(route.path, route.method.lower()) for route in fuzz_api.routes}
    # and under the stage the path is the API's own: unknown there, as deployed
    assert call("GET", f"{fuzz_api.url}openapi.json").status == 403


def test_each_auth_route_lists_only_the_statuses_it_can_answer(fuzz_api: LocalApi) -> None:
    from cognito_api_construct.runtime.contract import routes_for

    # given the served document of the example (ADMIN_CREATE flow)
    root = fuzz_api.url.split(f"/{fuzz_api.api.stage_name}/")[0]
    paths = call("GET", f"{root}/openapi.json").json()["paths"]

    for declared in routes_for("ADMIN_CREATE"):
        # when the route's operation is read
        operation = paths[declared.resource][declared.method.lower()]

        # then its responses are its own statuses and API Gateway's (413, 502, 504)
        statuses = {str(declared.status)} | {str(s) for s in declared.errors_by_status()}
        assert set(operation["responses"]) == statuses | {"413", "502", "504"}, declared.path
        # and its error codes are its own: /signout cannot answer 409 UserExists (a new
        # username, or an email an alias of another user's, can)
        assert ("409" in operation["responses"]) is (declared.key in ("signup", "PATCH me"))


def test_the_workflow_answers_match_the_document(served_document: Any) -> None:
    # given the document's operations (random data rarely reaches a success answer)
    def operation(path: str) -> Any:
        return served_document["/" + path.strip("/")]["POST"]

    def send(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        case = operation(path).Case(body=body, media_type="application/json")
        return case.call_and_validate(headers=headers or {}, excluded_checks=[unsupported_method])

    # when a new user walks the whole workflow, every answer validated against the document
    signup = send(
        "signup",
        {
            "username": "walker",
            "email": "walker@example.com",
            "temporary_password": "Tmp-Walk1!x-long",
        },
    )
    challenge = send("auth", {"username": "walker", "password": "Tmp-Walk1!x-long"}).json()
    tokens = send(
        "challenge",
        {
            "challenge_name": challenge["challenge_name"],
            "session": challenge["session"],
            "challenge_responses": {"USERNAME": "walker", "NEW_PASSWORD": "N3w-Walk!word-x"},
        },
    ).json()
    again = send("login", {"username": "walker", "password": "N3w-Walk!word-x"}).json()
    gpt = send("gpt", {"message": "hi"}, {TOKEN_HEADER: tokens["id_token"]})

    # then each step took its success branch (201, challenge, tokens, tokens, reply)
    assert signup.status_code == 201
    assert challenge["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    assert set(tokens) >= {"id_token", "access_token", "refresh_token"}
    assert "id_token" in again
    assert gpt.status_code == 200
