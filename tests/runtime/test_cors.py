"""CORS: every answer of the auth function carries the headers for an allowed origin.

A browser reads a cross-origin answer only when ``Access-Control-Allow-Origin`` names its
origin (or is ``*`` without credentials), and a header only when it is exposed
(https://fetch.spec.whatwg.org/#http-cors-protocol). API Gateway passes a proxy
integration's headers through untouched, so the function must add them to every answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime.cors import CorsSettings

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
FOREIGN = "https://evil.example"


@pytest.fixture
def cors_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_cors(origins: str, credentials: str = "false") -> None:
        monkeypatch.setenv("CORS_ALLOW_ORIGINS", origins)
        monkeypatch.setenv("CORS_ALLOW_CREDENTIALS", credentials)
        monkeypatch.setenv("CORS_EXPOSE_HEADERS", "Retry-After")

    return set_cors


@pytest.mark.parametrize(
    ("resource", "body", "status"),
    [
        ("/auth", {"username": "nobody-here", "password": "Wrong-Passw0rd!x"}, 401),
        ("/auth", {"username": 1}, 400),
        ("/nowhere", {}, 404),
        ("/signout", {}, 401),
    ],
)
def test_every_answer_echoes_an_allowed_origin(
    invoke, make_event, cognito, cors_env, resource, body, status
) -> None:
    # given two allowed origins
    cors_env(f"{APP},{ADMIN}")

    # when a page on the second one calls the function, whatever it answers
    event = make_event(resource, body, extra_headers={"origin": ADMIN})
    reply = invoke(event)

    # then the answer names that origin, varies on it, and exposes Retry-After
    assert reply.status == status
    assert reply.headers["Access-Control-Allow-Origin"] == ADMIN
    assert reply.headers["Vary"] == "Origin"
    assert reply.headers["Access-Control-Expose-Headers"] == "Retry-After"
    assert "Access-Control-Allow-Credentials" not in reply.headers


def test_a_204_carries_the_headers_too(invoke, make_event, cognito, cors_env, signed_in) -> None:
    # given one allowed origin and a signed-in user
    cors_env(APP)

    # when the user signs out (204, no body) from that origin
    event = make_event(
        "/signout",
        {},
        extra_headers={"Origin": APP, "Authorization": signed_in[2]["access_token"]},
    )
    reply = invoke(event)

    # then
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == APP


def test_another_origin_gets_no_allow_origin(invoke, make_event, cognito, cors_env) -> None:
    # given one allowed origin
    cors_env(APP, credentials="true")

    # when a page on another origin calls
    reply = invoke(make_event("/auth", {"username": "x"}, extra_headers={"Origin": FOREIGN}))

    # then nothing lets the browser show it the answer; caches still vary on the origin
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Credentials" not in reply.headers
    assert reply.headers["Vary"] == "Origin"


def test_all_origins_answer_star(invoke, make_event, cognito, cors_env) -> None:
    # given Cors.ALL_ORIGINS
    cors_env("*")

    # when any page calls
    reply = invoke(make_event("/auth", {"username": "x"}, extra_headers={"Origin": FOREIGN}))

    # then
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in reply.headers


def test_credentials_are_allowed_only_when_configured(invoke, make_event, cognito, cors_env):
    # given allow_credentials
    cors_env(APP, credentials="true")

    # when
    reply = invoke(make_event("/auth", {"username": "x"}, extra_headers={"Origin": APP}))

    # then
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


def test_without_cors_no_header_is_added(invoke, make_event, cognito) -> None:
    # given no CORS_* variables (cors not set on the construct)
    # when a browser calls anyway
    reply = invoke(make_event("/auth", {"username": "x"}, extra_headers={"Origin": APP}))

    # then
    assert not [name for name in reply.headers if name.startswith("Access-Control")]
    assert "Vary" not in reply.headers


def test_settings_ignore_blanks_and_match_origins_exactly() -> None:
    # given origins with spaces and an empty item
    settings = CorsSettings.from_environment(
        {"CORS_ALLOW_ORIGINS": f" {APP} ,,{ADMIN}", "CORS_ALLOW_CREDENTIALS": "TRUE"}
    )

    # then each is one allowed origin, and near misses are not
    assert settings.origins == (APP, ADMIN)
    assert settings.headers_for(APP)["Access-Control-Allow-Credentials"] == "true"
    for near_miss in (APP + "/", APP.upper(), APP + ":443", "null", ""):
        assert "Access-Control-Allow-Origin" not in settings.headers_for(near_miss)
