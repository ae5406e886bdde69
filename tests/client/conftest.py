"""The client's fixtures: the real auth function under moto, behind a loopback server."""

from auth_function import (  # noqa: F401 - fixtures, registered by name
    cognito,
    confirmed_user,
    emulated_cognito,
    invoke,
    make_event,
    new_password_challenge,
    passwords,
    signed_in,
    signed_up,
    stubbed,
    username,
    with_token,
)
