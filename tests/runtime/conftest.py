"""The runtime's fixtures: the auth function under moto (shared with the client's tests)."""

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
