"""Properties of the auth handler over any request, checked with hypothesis against moto.

Whatever arrives (any resource and method, headers, query string, content type, body of
any kind or size, base64 flag with valid or broken base64, even a malformed event), the
handler returns a proxy response with an integer status and a JSON body; every status of
400 and above carries exactly the stable error shape ``{"error", "message"}``; it never
raises; and a rejected request leaves Cognito's users as they were.

Bounded for ``make test``: a fixed number of examples, derandomized (the same examples on
every run, so a failure reproduces), no example database on disk.
"""

from __future__ import annotations

import base64
import json
import string
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime.contract import MAX_BODY_BYTES

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROUTES = ["/signup", "/auth", "/login", "/challenge"]
FIELDS = [
    "username",
    "password",
    "email",
    "temporary_password",
    "challenge_name",
    "session",
    "challenge_responses",
]


def mostly(valid: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` about four times in five, so most requests get past routing to the body."""
    # (one_of would not do: it drops repeated branches.)
    return st.sampled_from([True, True, True, True, False]).flatmap(
        lambda pick_valid: valid if pick_valid else other
    )


resources = mostly(
    st.sampled_from(ROUTES), st.sampled_from(["/", "/gpt", "/auth/x"]) | st.text(max_size=20)
)
methods = mostly(
    st.just("POST"),
    st.sampled_from(["post", "GET", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"])
    | st.text(max_size=12),
)
content_types = mostly(
    st.just("application/json"),
    st.none()
    | st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON;charset=UTF8",
            'application/json; charset="latin-1"',
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
        ]
    )
    | st.text(max_size=40),
)
header_names = st.text(string.ascii_letters + "-", min_size=1, max_size=20)
headers = st.dictionaries(header_names, st.text(max_size=40), max_size=5)
queries = mostly(st.none(), st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=12,
)
# Bodies of the contract's field names, each present or not: mostly refused by the schema.
contract_shaped = st.fixed_dictionaries(
    {},
    optional={
        "username": st.text(max_size=140),
        "password": st.text(max_size=40),
        "temporary_password": st.text(max_size=20),
        "email": st.emails() | st.text(max_size=20),
        "challenge_name": st.text(max_size=20),
        "session": st.text(min_size=20, max_size=60),
        "challenge_responses": st.dictionaries(st.text(max_size=10), st.text(max_size=10))
        | st.text(max_size=30),
    },
)
# Bodies the schema accepts, with any values it allows: these reach Cognito.
names = st.from_regex(r"[^\s]{1,40}", fullmatch=True)
secrets = st.text(min_size=1, max_size=40) | st.just("Temp-Passw0rd!x")
well_formed = {
    "/signup": st.fixed_dictionaries(
        {
            "username": names,
            "email": st.emails() | st.from_regex(r"[^@\s]{1,20}@[^@\s]{1,20}", fullmatch=True),
            "temporary_password": secrets,
        }
    ),
    "/auth": st.fixed_dictionaries({"username": names, "password": secrets}),
    "/challenge": st.fixed_dictionaries(
        {
            "challenge_name": st.sampled_from(["NEW_PASSWORD_REQUIRED", "MFA_SETUP"])
            | st.from_regex(r"[A-Z_]{1,30}", fullmatch=True),
            "session": st.text(min_size=20, max_size=80),
            "challenge_responses": st.fixed_dictionaries(
                {"USERNAME": names},
                optional={"NEW_PASSWORD": secrets, "SOFTWARE_TOKEN_MFA_CODE": st.text(max_size=8)},
            ).flatmap(lambda responses: st.just(responses) | st.just(json.dumps(responses))),
        }
    ),
}
well_formed["/login"] = well_formed["/auth"]
routed_bodies = st.sampled_from(ROUTES).flatmap(
    lambda route: st.tuples(st.just(route), well_formed[route])
)
huge_bodies = st.integers(MAX_BODY_BYTES - 16, 3 * MAX_BODY_BYTES).map(
    lambda size: json.dumps({"username": "a" * size, "password": "x"})
)
text_bodies = st.one_of(
    st.none(),
    st.text(),
    json_values.map(json.dumps),
    contract_shaped.map(json.dumps),
    routed_bodies.map(lambda routed: json.dumps(routed[1])),
    huge_bodies,
    # Text that is not valid UTF-8 once encoded: lone surrogates.
    st.text(max_size=4).map(lambda text: text + "\ud800"),
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Any, bool]:
    """A body and its isBase64Encoded flag: text, base64 of anything, or broken base64."""
    kind = draw(st.sampled_from(["text", "base64", "broken-base64", "not-a-string"]))
    if kind == "text":
        return draw(text_bodies), False
    if kind == "base64":
        raw = draw(
            st.binary(max_size=64)
            | text_bodies.map(lambda t: (t or "").encode("utf-8", "surrogatepass"))
        )
        return base64.b64encode(raw).decode(), True
    if kind == "broken-base64":
        return draw(st.text(max_size=30) | st.just("eyJ1c2VybmFtZSI6")), True
    return draw(st.integers() | st.lists(st.integers(), max_size=2) | st.just({})), draw(
        st.booleans()
    )


@st.composite
def events(draw: st.DrawFn, build_event: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """An API Gateway proxy event, realistic in shape, arbitrary in content."""
    event = build_event(
        draw(resources),
        None,
        method=draw(methods),
        content_type=draw(content_types),
        query=draw(queries),
        extra_headers=draw(headers),
    )
    event["body"], event["isBase64Encoded"] = draw(bodies())
    # Sometimes the optional parts are missing or null, as a malformed event might have them.
    for key in draw(
        st.lists(
            st.sampled_from(["headers", "multiValueHeaders", "requestContext"]),
            max_size=2,
            unique=True,
        )
    ):
        event[key] = draw(st.sampled_from([None, {}]))
    return event


def lambda_context() -> SimpleNamespace:
    return SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name="Auth-AuthFunction")


def user_count(cognito: Any) -> int:
    """How many users the pool holds (moto keeps the estimate exact)."""
    pool = cognito.admin.describe_user_pool(UserPoolId=cognito.pool_id)["UserPool"]
    return int(pool["EstimatedNumberOfUsers"])


def assert_is_a_proxy_response_with_a_json_body(response: Any) -> dict[str, Any] | list[Any]:
    assert isinstance(response, dict)
    assert type(response["statusCode"]) is int
    assert 200 <= response["statusCode"] <= 599
    assert response["isBase64Encoded"] is False
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["headers"]["Cache-Control"] == "no-store"
    body: dict[str, Any] | list[Any] = json.loads(response["body"])
    return body


@BOUNDED
@given(data=st.data())
def test_any_request_gets_a_json_response_and_errors_keep_the_stable_shape(
    cognito: Any, make_event: Callable[..., dict[str, Any]], data: st.DataObject
) -> None:
    # given any event, and Cognito's users before it
    proxy_event = data.draw(events(make_event), label="event")
    before = user_count(cognito)

    # when the handler gets it (it must not raise)
    response = cognito.module.handler(proxy_event, lambda_context())

    # then a JSON proxy response; an error is {"error", "message"} and changed nothing
    body = assert_is_a_proxy_response_with_a_json_body(response)
    status = response["statusCode"]
    hypothesis.event(f"{status} {body.get('error', '') if isinstance(body, dict) else ''}")
    after = user_count(cognito)
    if status >= 400:
        assert isinstance(body, dict)
        assert set(body) == {"error", "message"}
        assert isinstance(body["error"], str)
        assert body["error"]
        assert isinstance(body["message"], str)
        assert body["message"]
        assert after == before
    elif status == 201:
        # exactly the user the request named
        assert after == before + 1
        created = json.loads(_decoded_body(proxy_event))["username"]
        cognito.admin.admin_get_user(UserPoolId=cognito.pool_id, Username=created)
    else:
        assert after == before


@BOUNDED
@given(routed=routed_bodies, base64_encoded=st.booleans())
def test_well_formed_requests_never_end_in_an_internal_error(
    cognito: Any,
    make_event: Callable[..., dict[str, Any]],
    routed: tuple[str, dict[str, Any]],
    base64_encoded: bool,
) -> None:
    # given a POST of a body the route's schema accepts, with any values it allows
    route, body = routed
    proxy_event = make_event(route, body, base64_body=base64_encoded)
    before = user_count(cognito)

    # when
    response = cognito.module.handler(proxy_event, lambda_context())

    # then an answer about the request (2xx or 4xx), never a 500 or 503, and a refused
    # request created no user
    status = response["statusCode"]
    payload = assert_is_a_proxy_response_with_a_json_body(response)
    hypothesis.event(f"{route} {status} {payload.get('error', '')}")
    assert status < 500, payload
    if status >= 400:
        assert user_count(cognito) == before


def _decoded_body(event: dict[str, Any]) -> str:
    body: str = event["body"]
    return base64.b64decode(body).decode() if event["isBase64Encoded"] else body
