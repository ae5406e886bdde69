"""The OAuth side of the template: machine clients, their resolved scopes, their checks.

Machine clients as CloudFormation creates them
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolclient.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html):
the client credentials flow needs a secret and excludes the user flows; a resource
server's ``Ref`` is its identifier
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolresourceserver.html).
"""

from __future__ import annotations

import logging

import pytest

from cognito_api_construct.local.oauth import (
    OAuthSetupError,
    check_client,
    is_machine_client,
    resolved_properties,
)
from cognito_api_construct.local.resolve import References

REFERENCES = References("us-east-1", "123456789012", refs={"Server": "api", "Pool": "us-east-1_x"})
MACHINE = {
    "AllowedOAuthFlows": ["client_credentials"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "GenerateSecret": True,
    "AllowedOAuthScopes": [{"Fn::Join": ["", [{"Ref": "Server"}, "/read"]]}, "api/write"],
}


def test_scopes_naming_the_resource_server_are_resolved() -> None:
    """CDK's ``OAuthScope.resourceServer``: Fn::Join of the server's Ref and the name."""
    arguments = resolved_properties(
        MACHINE, ("AllowedOAuthScopes", "GenerateSecret", "AllowedOAuthFlows"), REFERENCES, "C"
    )

    assert arguments == {
        "AllowedOAuthScopes": ["api/read", "api/write"],
        "GenerateSecret": True,
        "AllowedOAuthFlows": ["client_credentials"],
    }


def test_a_property_that_cannot_be_resolved_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reference to what the emulator does not create: the property is not emulated."""
    properties = {"CallbackURLs": [{"Fn::ImportValue": "elsewhere"}], "GenerateSecret": False}

    with caplog.at_level(logging.WARNING):
        arguments = resolved_properties(
            properties, ("CallbackURLs", "GenerateSecret"), REFERENCES, "C"
        )

    assert arguments == {"GenerateSecret": False}
    assert "CallbackURLs is not emulated" in caplog.text


def test_a_machine_client_is_one_with_the_client_credentials_flow() -> None:
    assert is_machine_client(MACHINE)
    assert not is_machine_client({"AllowedOAuthFlows": ["code"]})
    assert not is_machine_client({"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]})


@pytest.mark.parametrize(
    "change",
    [{"GenerateSecret": False}, {"AllowedOAuthFlows": ["client_credentials", "code"]}],
    ids=["without a secret", "with the code flow"],
)
def test_cognito_refuses_such_a_machine_client(change: dict[str, object]) -> None:
    """CreateUserPoolClient: InvalidOAuthFlowException; the emulator refuses to start."""
    with pytest.raises(OAuthSetupError, match="InvalidOAuthFlowException"):
        check_client("Machine", {**MACHINE, **change}, frozenset({"api/read"}))


def test_a_scope_no_resource_server_defines_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A custom scope the stack's resource servers do not define (it may live elsewhere)."""
    arguments = {**MACHINE, "AllowedOAuthScopes": ["api/read", "openid", "orders/read"]}

    with caplog.at_level(logging.WARNING):
        check_client("Machine", arguments, frozenset({"api/read"}))

    assert "orders/read" in caplog.text
    assert "openid" not in caplog.text
