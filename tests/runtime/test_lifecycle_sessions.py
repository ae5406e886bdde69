"""Sessions: POST /refresh and POST /signout, against the emulator's Cognito.

The order and arguments of sign-out's calls are pinned with botocore's Stubber, against
the real service model: GlobalSignOut first, then RevokeToken, which also revokes the
access tokens issued with the refresh token
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html).
"""

from __future__ import annotations

import pytest

ACCESS_TOKEN = "eyJ" + "a" * 60 + ".eyJ" + "b" * 60 + ".sig"
REFRESH_TOKEN = "r" * 120


# /refresh ---------------------------------------------------------------------------
def test_refresh_returns_new_id_and_access_tokens(invoke, make_event, signed_in):
    # given
    _, _, tokens = signed_in

    # when
    reply = invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]}))

    # then the same token shape as /auth; moto does not rotate, so no new refresh token
    assert reply.status == 200
    assert set(reply.body) == {
        "id_token",
        "access_token",
        "refresh_token",
        "expires_in",
        "token_type",
    }
    assert reply.body["access_token"]
    assert reply.body["access_token"] != tokens["access_token"]
    assert reply.body["id_token"]
    assert reply.body["refresh_token"] is None
    assert reply.body["token_type"] == "Bearer"


def test_refresh_passes_a_rotated_refresh_token_through(invoke, make_event, stubbed, cognito):
    # given a pool client that rotates refresh tokens (moto never does)
    stubbed.add_response(
        "get_tokens_from_refresh_token",
        {
            "AuthenticationResult": {
                "IdToken": "id.new.token",
                "AccessToken": "access.new.token",
                "RefreshToken": "rotated-refresh-token",
                "ExpiresIn": 3600,
                "TokenType": "Bearer",
            }
        },
        {
            "ClientId": cognito.client_id,
            "RefreshToken": REFRESH_TOKEN,
            "ClientSecret": cognito.client_secret,
        },
    )

    # when
    reply = invoke(make_event("/refresh", {"refresh_token": REFRESH_TOKEN}))

    # then
    assert reply.status == 200
    assert reply.body["refresh_token"] == "rotated-refresh-token"


def test_refresh_with_an_unknown_token_is_refused(invoke, make_event):
    # given / when
    reply = invoke(make_event("/refresh", {"refresh_token": REFRESH_TOKEN}))

    # then
    assert reply.status == 401
    assert reply.body["error"] == "InvalidRefreshToken"
    assert REFRESH_TOKEN not in reply.raw_body


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": 1}])
def test_refresh_needs_a_refresh_token(invoke, make_event, body):
    # given / when
    reply = invoke(make_event("/refresh", body))

    # then
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert "refresh_token" in reply.body["message"]


# /signout ---------------------------------------------------------------------------
def test_sign_out_answers_204_and_ends_the_refresh_token(invoke, make_event, signed_in, with_token):
    # given
    _, _, tokens = signed_in

    # when
    reply = invoke(make_event("/signout", "{}", extra_headers=with_token(tokens["access_token"])))
    refresh = invoke(make_event("/refresh", {"refresh_token": tokens["refresh_token"]}))

    # then
    assert reply.status == 204
    assert reply.raw_body == ""
    assert "Content-Type" not in reply.headers
    assert reply.headers["Cache-Control"] == "no-store"
    assert refresh.status == 401
    assert refresh.body["error"] == "InvalidRefreshToken"


@pytest.mark.parametrize("prefix", ["Bearer ", "bearer ", ""])
def test_sign_out_reads_the_token_header_case_insensitively(invoke, make_event, signed_in, prefix):
    # given the header name in another case, with or without the Bearer scheme
    _, _, tokens = signed_in

    # when
    reply = invoke(
        make_event(
            "/signout", "{}", extra_headers={"AUTHORIZATION": prefix + tokens["access_token"]}
        )
    )

    # then
    assert reply.status == 204


def test_sign_out_reads_the_configured_token_header(invoke, make_event, signed_in, monkeypatch):
    # given the construct's token_header="Auth"
    monkeypatch.setenv("TOKEN_HEADER", "Auth")
    _, _, tokens = signed_in

    # when the token comes in Authorization, then in Auth
    wrong_header = invoke(
        make_event("/signout", "{}", extra_headers={"Authorization": tokens["access_token"]})
    )
    right_header = invoke(
        make_event("/signout", "{}", extra_headers={"auth": tokens["access_token"]})
    )

    # then only the configured header counts
    assert wrong_header.status == 401
    assert wrong_header.body["error"] == "MissingToken"
    assert right_header.status == 204


@pytest.mark.parametrize("header", [None, "", "Bearer ", "   "])
def test_sign_out_without_a_token_is_401_missing_token(invoke, make_event, header):
    # given
    headers = {} if header is None else {"Authorization": header}

    # when
    reply = invoke(make_event("/signout", "{}", extra_headers=headers))

    # then
    assert reply.status == 401
    assert reply.body == {
        "error": "MissingToken",
        "message": "Send the access token in the API's token header.",
    }


def test_sign_out_with_a_refused_token_is_401_invalid_token(invoke, make_event, with_token):
    # given a token Cognito never issued
    # when
    reply = invoke(make_event("/signout", "{}", extra_headers=with_token(ACCESS_TOKEN)))

    # then
    assert reply.status == 401
    assert reply.body["error"] == "InvalidToken"
    assert ACCESS_TOKEN not in reply.raw_body


def test_second_sign_out_with_the_same_token_is_refused(invoke, make_event, signed_in, with_token):
    # given a user who signed out (GlobalSignOut revokes the access token in Cognito)
    _, _, tokens = signed_in
    first = invoke(make_event("/signout", "{}", extra_headers=with_token(tokens["access_token"])))

    # when
    second = invoke(make_event("/signout", "{}", extra_headers=with_token(tokens["access_token"])))

    # then Cognito, not the gateway, refuses the revoked token
    assert first.status == 204
    assert second.status == 401
    assert second.body["error"] == "InvalidToken"


def test_sign_out_signs_out_globally_then_revokes_the_given_refresh_token(
    invoke, make_event, stubbed, cognito, with_token
):
    # given the exact calls, in this order (revoking first would revoke the access token
    # GlobalSignOut is made with)
    stubbed.add_response("global_sign_out", {}, {"AccessToken": ACCESS_TOKEN})
    stubbed.add_response(
        "revoke_token",
        {},
        {
            "Token": REFRESH_TOKEN,
            "ClientId": cognito.client_id,
            "ClientSecret": cognito.client_secret,
        },
    )

    # when
    reply = invoke(
        make_event(
            "/signout", {"refresh_token": REFRESH_TOKEN}, extra_headers=with_token(ACCESS_TOKEN)
        )
    )

    # then
    assert reply.status == 204
    stubbed.assert_no_pending_responses()


@pytest.mark.parametrize(
    "code", ["UnauthorizedException", "UnsupportedTokenTypeException", "InvalidParameterException"]
)
def test_sign_out_goes_on_when_the_refresh_token_is_refused(
    invoke, make_event, stubbed, with_token, code
):
    # given a refresh token RevokeToken refuses: GlobalSignOut ended the sessions anyway
    stubbed.add_response("global_sign_out", {}, {"AccessToken": ACCESS_TOKEN})
    stubbed.add_client_error("revoke_token", service_error_code=code, http_status_code=400)

    # when
    reply = invoke(
        make_event(
            "/signout", {"refresh_token": REFRESH_TOKEN}, extra_headers=with_token(ACCESS_TOKEN)
        )
    )

    # then
    assert reply.status == 204
    stubbed.assert_no_pending_responses()


def test_sign_out_reports_a_revocation_that_fails_otherwise(
    invoke, make_event, stubbed, with_token
):
    # given Cognito throttling RevokeToken after the global sign-out
    stubbed.add_response("global_sign_out", {}, {"AccessToken": ACCESS_TOKEN})
    stubbed.add_client_error(
        "revoke_token", service_error_code="TooManyRequestsException", http_status_code=400
    )

    # when
    reply = invoke(
        make_event(
            "/signout", {"refresh_token": REFRESH_TOKEN}, extra_headers=with_token(ACCESS_TOKEN)
        )
    )

    # then the caller learns it and can retry (signing out again is harmless)
    assert reply.status == 429
    assert reply.body["error"] == "TooManyRequests"


@pytest.mark.parametrize(
    "message", ["Access Token has been revoked", "Access Token has expired", "Invalid Access Token"]
)
def test_sign_out_maps_cognito_token_refusals_to_invalid_token(
    invoke, make_event, stubbed, with_token, message
):
    # given the real service's messages for a refused access token
    stubbed.add_client_error(
        "global_sign_out",
        service_error_code="NotAuthorizedException",
        service_message=message,
        http_status_code=400,
        expected_params={"AccessToken": ACCESS_TOKEN},
    )

    # when
    reply = invoke(make_event("/signout", "{}", extra_headers=with_token(ACCESS_TOKEN)))

    # then
    assert reply.status == 401
    assert reply.body["error"] == "InvalidToken"
    assert message not in reply.raw_body


def test_sign_out_body_takes_only_a_refresh_token(invoke, make_event, with_token):
    # given / when
    reply = invoke(
        make_event(
            "/signout", {"access_token": ACCESS_TOKEN}, extra_headers=with_token(ACCESS_TOKEN)
        )
    )

    # then tokens never travel in unexpected fields
    assert reply.status == 400
    assert reply.body["error"] == "InvalidRequestBody"
    assert "access_token" in reply.body["message"]


def test_a_refused_access_token_still_revokes_the_refresh_token(
    invoke, make_event, stubbed, cognito, with_token
):
    # given an access token GlobalSignOut refuses
    stubbed.add_client_error(
        "global_sign_out",
        service_error_code="NotAuthorizedException",
        service_message="Access Token has expired",
        http_status_code=400,
    )
    stubbed.add_response(
        "revoke_token",
        {},
        {
            "Token": REFRESH_TOKEN,
            "ClientId": cognito.client_id,
            "ClientSecret": cognito.client_secret,
        },
    )

    # when
    reply = invoke(
        make_event(
            "/signout", {"refresh_token": REFRESH_TOKEN}, extra_headers=with_token(ACCESS_TOKEN)
        )
    )

    # then the caller hears why, and the refresh token was revoked all the same
    assert reply.status == 401
    assert reply.body["error"] == "InvalidToken"
    stubbed.assert_no_pending_responses()
