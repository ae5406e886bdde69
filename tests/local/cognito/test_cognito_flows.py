"""The app client's ExplicitAuthFlows: refreshing tokens only where the client allows it.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
"ALLOW_REFRESH_TOKEN_AUTH: Enable authflow to refresh tokens."; "If you don't specify a
value for ExplicitAuthFlows, your app client supports ALLOW_REFRESH_TOKEN_AUTH,
ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH."
"""

from __future__ import annotations

from collections.abc import Callable

from .support import PASSWORD, Pool, call, confirmed_user, refusal


def _tokens(pool: Pool, client_id: str) -> dict[str, str]:
    answer = call(
        "InitiateAuth", ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    result: dict[str, str] = answer["AuthenticationResult"]
    return result


def test_refresh_needs_the_client_to_allow_it(make_pool: Callable[..., Pool]) -> None:
    """A client whose ExplicitAuthFlows lack ALLOW_REFRESH_TOKEN_AUTH does not refresh.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "ALLOW_REFRESH_TOKEN_AUTH: Enable authflow to refresh tokens." The refusal is
    InvalidParameterException, worded as for USER_PASSWORD_AUTH (Cognito itself refuses
    to create such a client: "REFRESH_TOKEN_AUTH should always be allowed",
    https://github.com/aws/aws-cdk/issues/7625; moto creates it).
    """
    # given a client allowing only passwords, and alice's tokens from it
    pool = make_pool(client={"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})
    confirmed_user(pool, "alice")
    tokens = _tokens(pool, pool.client_id)

    # when she refreshes them
    refused = refusal(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )  # fmt: skip

    # then the flow is not enabled
    assert refused == (
        "InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client"
    )  # fmt: skip


def test_a_client_of_legacy_flows_refreshes(make_pool: Callable[..., Pool]) -> None:
    """A client with the legacy flow values (USER_PASSWORD_AUTH) refreshes tokens.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "In some environments, you will see the values ADMIN_NO_SRP_AUTH,
    CUSTOM_AUTH_FLOW_ONLY, or USER_PASSWORD_AUTH. You can't assign these legacy
    ExplicitAuthFlows values to user pool clients at the same time as values that begin
    with ALLOW_"; such clients always refresh ("REFRESH_TOKEN_AUTH should always be
    allowed", https://github.com/aws/aws-cdk/issues/7625).
    """
    # given a client of the legacy password flow, and alice's tokens from it
    pool = make_pool(client={"ExplicitAuthFlows": ["USER_PASSWORD_AUTH"]})
    confirmed_user(pool, "alice")
    tokens = _tokens(pool, pool.client_id)

    # when she refreshes them
    answer = call(
        "InitiateAuth", ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )  # fmt: skip

    # then she has new tokens
    assert "AccessToken" in answer["AuthenticationResult"]
