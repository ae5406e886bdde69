"""The group authorizer (runtime.group_authorizer): which id tokens reach which routes.

Accepted tokens and their policies, the claims a verified token must carry, and the
signing keys' cache; forged and malformed tokens are in test_group_authorizer_forgeries.
Rules cited: RFC 7519 (JWT), Cognito's "Verifying a JSON web token"
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html,
"the Cognito guide" below) and API Gateway's "Output from an API Gateway Lambda
authorizer"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html,
"the output page"). A refusal is ``Exception("Unauthorized")``, which API Gateway answers
with 401.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from group_setup import (  # noqa: F401 - fresh_authorizer and setup_fixture are fixtures
    Setup,
    allowed,
    denied,
    fresh_authorizer,
    group_authorizer,
    make_setup,
    setup_fixture,
)
from group_tokens import (
    CLIENT_ID,
    ISSUER,
    NOW,
    OTHER_CLIENT_ID,
    POOL_ID,
    PREFIX,
    event,
    id_claims,
    jwk,
    rsa_key,
    sign,
    sign_parts,
)

pytestmark = pytest.mark.usefixtures("fresh_authorizer")

#: ``id_claims()`` as the route's Lambda reads them in ``requestContext.authorizer``.
CLAIMS_AS_STRINGS = {
    "sub": "5f1c2a7e-0000-4000-8000-000000000001",
    "cognito:groups": "auditors",
    "email_verified": "true",
    "iss": ISSUER,
    "cognito:username": "alice",
    "origin_jti": "0b6a7c1e-0000-4000-8000-000000000002",
    "aud": CLIENT_ID,
    "event_id": "1c9d2e3f-0000-4000-8000-000000000003",
    "token_use": "id",
    "auth_time": "1799999940",
    "exp": "Fri Jan 15 09:00:00 UTC 2027",
    "iat": "Fri Jan 15 07:59:00 UTC 2027",
    "jti": "2d8e3f4a-0000-4000-8000-000000000004",
    "email": "alice@example.com",
}


# Accepted tokens -------------------------------------------------------------------


def test_a_member_reaches_the_routes_of_their_groups(setup: Setup) -> None:
    """A verified id token earns Allow for the method ARNs of its groups' routes (the output
    page's shape: principalId, policyDocument of execute-api:Invoke statements, context of
    strings), an explicit Deny for the routes those patterns would also match."""
    answer = setup.decide(sign(id_claims()))

    assert answer == {
        "principalId": "5f1c2a7e-0000-4000-8000-000000000001",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": [PREFIX + "GET/admin/reports/*"],
                },
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Deny",
                    "Resource": [PREFIX + "GET/admin/reports/*/history"],
                },
            ],
        },
        "context": {**CLAIMS_AS_STRINGS, "username": "alice", "groups": "auditors"},
    }


def test_a_member_of_several_groups_reaches_the_routes_of_each(setup: Setup) -> None:
    """Admission is any intersection of the token's cognito:groups with a route's groups."""
    answer = setup.decide(sign(id_claims(groups=["ops", "admins"])))

    assert allowed(answer) == [
        PREFIX + "*/ops/*",
        PREFIX + "GET/admin/reports/*",
        PREFIX + "GET/admin/reports/*/history",
        PREFIX + "GET/admin/users",
        PREFIX + "POST/admin/reports/*/delete",
    ]
    assert denied(answer) == []
    assert answer["context"]["username"] == "alice"
    assert answer["context"]["groups"] == answer["context"]["cognito:groups"] == "ops,admins"


def test_the_route_reads_every_claim_as_a_cognito_authorized_route_does(setup: Setup) -> None:
    """The output page: context values are strings, numbers or booleans, never an object
    or an array, and reach the route as strings. So each claim is its own context key,
    written as a Cognito user pools authorizer writes it in ``claims`` (objects as JSON,
    lists comma-separated, numbers as digits), and a pre token generation trigger's
    custom claims reach the route too."""
    custom = {"custom:tier": "gold", "plan": {"seats": 3}, "roles": ["a", "b"], "score": 2.0}
    context = setup.decide(sign(id_claims(**custom)))["context"]

    assert all(isinstance(value, str) for value in context.values())
    assert context["custom:tier"] == "gold"
    assert context["plan"] == '{"seats":3}'
    assert context["roles"] == "a,b"
    assert context["score"] == "2"
    assert context["email_verified"] == "true"


@pytest.mark.parametrize("groups", [["readers"], [], None], ids=["other", "empty", "absent"])
def test_a_caller_in_no_listed_group_gets_an_explicit_deny(
    setup: Setup, groups: list[str] | None
) -> None:
    """No route admits the caller: one explicit Deny for {prefix}*/* (403 "with an explicit
    deny", https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer);
    the token is still valid, so this is not a 401."""
    answer = setup.decide(sign(id_claims(groups=groups)))

    assert answer["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [PREFIX + "*/*"]}
    ]
    assert answer["principalId"] == "5f1c2a7e-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("header", "template"),
    [
        ("Authorization", "Bearer {}"),
        ("authorization", "bearer {}"),
        ("AUTHORIZATION", "  BEARER   {}  "),
        ("Authorization", "{}"),
    ],
)
def test_the_token_header_in_any_case_with_or_without_bearer(
    setup: Setup, header: str, template: str
) -> None:
    """HTTP header names are case-insensitive (RFC 9110 §5.1); an optional "Bearer " prefix
    (RFC 6750 §2.1) is stripped, as API Gateway's Cognito authorizer accepts it."""
    answer = setup.decide(template.format(sign(id_claims())), header=header)

    assert allowed(answer) == [PREFIX + "GET/admin/reports/*"]


def test_the_configured_token_header_is_the_one_read() -> None:
    """TOKEN_HEADER names the identity source; another header's token is not looked at."""
    setup = make_setup(TOKEN_HEADER="X-Id-Token")

    assert allowed(setup.decide(sign(id_claims()), header="x-id-token"))
    setup.refuses(sign(id_claims()), header="Authorization")


def test_every_configured_app_client_is_an_audience(setup: Setup) -> None:
    """The Cognito guide: aud must be an app client id of the pool; USER_POOL_CLIENT_ID lists
    several, comma-separated."""
    assert allowed(setup.decide(sign(id_claims(aud=OTHER_CLIENT_ID))))


# Refused tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "Bearer ", "   "])
def test_no_token_is_refused(setup: Setup, token: str | None) -> None:
    """No identity source value: 401, as API Gateway answers a REQUEST authorizer's missing
    identity source."""
    setup.refuses(token)


def test_two_different_token_headers_are_refused(setup: Setup) -> None:
    """API Gateway caches on one header value; with two, which one keyed the cache is not
    known, so neither is trusted."""
    request = event(sign(id_claims()))
    request["multiValueHeaders"]["Authorization"].append(sign(id_claims(sub="someone-else")))
    group_authorizer._authorizer = setup.authorizer

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        group_authorizer.handler(request, None)


@pytest.mark.parametrize("exp", [NOW, NOW - 1, NOW - 3600])
def test_an_expired_token_is_refused(setup: Setup, exp: int) -> None:
    """RFC 7519 §4.1.4: the current time must be before exp; no leeway, so exp == now is
    expired."""
    setup.refuses(sign(id_claims(exp=exp)))


@pytest.mark.parametrize("exp", ["1900000000", True, None, [NOW + 60], {"at": NOW + 60}], ids=repr)
def test_an_exp_that_is_not_a_number_is_refused(setup: Setup, exp: Any) -> None:
    """RFC 7519 §4.1.4: exp is a NumericDate, a JSON number; a string, a boolean, a list or
    its absence (None here) is refused."""
    setup.refuses(sign(id_claims(exp=exp)))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_exp_is_refused(setup: Setup, constant: str) -> None:
    """RFC 8259 §6: NaN and Infinity are not JSON numbers; 1e999 overflows to one. The token
    is validly signed: only the claim check can refuse it."""
    payload = json.dumps(id_claims(exp=0)).replace('"exp": 0', f'"exp": {constant}')

    setup.refuses(sign_parts({"alg": "RS256", "kid": "k1"}, payload))


def test_a_token_not_yet_valid_is_refused(setup: Setup) -> None:
    """RFC 7519 §4.1.5: when nbf is present, the current time must not be before it."""
    setup.refuses(sign(id_claims(nbf=NOW + 60)))


@pytest.mark.parametrize(
    "iss",
    [
        f"https://cognito-idp.us-west-2.amazonaws.com/{POOL_ID}",
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool",
        f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}/",
        f"http://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}",
        None,
    ],
)
def test_a_token_of_another_issuer_is_refused(setup: Setup, iss: str | None) -> None:
    """The Cognito guide: iss must be exactly https://cognito-idp.{region}.amazonaws.com/
    {userPoolId} (RFC 7519 §4.1.1: a case-sensitive string)."""
    setup.refuses(sign(id_claims(iss=iss)))


def test_an_access_token_is_refused(setup: Setup) -> None:
    """The Cognito guide: token_use must be "id" where id tokens are expected; an access
    token carries client_id, not aud."""
    scope = "aws.cognito.signin.user.admin"
    claims = id_claims(token_use="access", aud=None, client_id=CLIENT_ID, scope=scope)

    setup.refuses(sign(claims))


@pytest.mark.parametrize("aud", ["another-client", "", [CLIENT_ID], None, 7])
def test_a_token_for_another_audience_is_refused(setup: Setup, aud: Any) -> None:
    """The Cognito guide: aud must be one of the app client ids (RFC 7519 §4.1.3: otherwise
    the JWT MUST be rejected). Cognito's aud is one string; an array is refused."""
    setup.refuses(sign(id_claims(aud=aud)))


@pytest.mark.parametrize(
    "overrides",
    [{"sub": None}, {"sub": ""}, {"cognito:username": None}, {"cognito:groups": "admins"}],
    ids=["no-sub", "empty-sub", "no-username", "groups-string"],
)
def test_a_token_without_identity_claims_is_refused(setup: Setup, overrides: Any) -> None:
    """The policy needs sub (principalId) and cognito:username, and cognito:groups as the
    list of names Cognito issues."""
    setup.refuses(sign(id_claims(**overrides)))


def test_an_unknown_kid_refetches_the_keys_once_then_refuses(setup: Setup) -> None:
    """Keys are fetched at first use and kept; an unknown kid fetches them again (a rotated
    key), at most once a minute (forged kids cannot make every call a fetch)."""
    assert allowed(setup.decide(sign(id_claims())))
    assert setup.jwks.fetches == 1
    setup.clock.now += 61

    setup.refuses(sign(id_claims(), kid="unknown"))
    assert setup.jwks.fetches == 2
    setup.refuses(sign(id_claims(), kid="another-unknown"))
    assert setup.jwks.fetches == 2
    assert allowed(setup.decide(sign(id_claims())))
    assert setup.jwks.fetches == 2


def test_a_rotated_key_is_found_by_the_refetch(setup: Setup) -> None:
    """A key the pool publishes after the first fetch verifies once fetched again."""
    assert allowed(setup.decide(sign(id_claims())))
    setup.jwks.keys = [*setup.jwks.keys, jwk(rsa_key("rotated"), "k2")]
    setup.clock.now += 61

    assert allowed(setup.decide(sign(id_claims(), key="rotated", kid="k2")))
    assert setup.jwks.fetches == 2


def test_a_withdrawn_key_stops_verifying_within_the_hour(setup: Setup) -> None:
    """Keys older than an hour are fetched again at next use: a key the pool withdrew stops
    verifying; a failed refresh keeps the keys already known."""
    assert allowed(setup.decide(sign(id_claims())))
    setup.jwks.keys = [jwk(rsa_key("rotated"), "k2")]
    setup.clock.now += 3601

    setup.refuses(sign(id_claims()))
    assert setup.jwks.fetches == 2


def test_a_failed_refresh_keeps_the_keys_and_is_not_retried_at_once(setup: Setup) -> None:
    """A JWKS outage after the first fetch: the keys known keep verifying, and the refresh
    is tried again a minute later, not on every invocation."""
    assert allowed(setup.decide(sign(id_claims())))
    setup.jwks.down = True
    setup.clock.now += 3601

    assert allowed(setup.decide(sign(id_claims())))
    assert allowed(setup.decide(sign(id_claims())))
    setup.refuses(sign(id_claims(), kid="unknown"))
    assert setup.jwks.fetches == 2
    setup.clock.now += 61
    setup.jwks.down = False
    assert allowed(setup.decide(sign(id_claims())))
    assert setup.jwks.fetches == 3
