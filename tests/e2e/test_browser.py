"""A real browser on another origin signs in through the emulated API, and a foreign one cannot.

Headless Chromium (``browser.py``) runs ``fetch`` from pages on loopback origins against
apps/browser_app served by the emulator on yet another origin: every request is a real
cross-origin request, preflighted and checked by the browser itself. The app allows two
origins, so its answers follow the construct's several-origins design: the auth function
and the route echo an allowed Origin, API Gateway's own answers copy it, and the
origin-check web ACL refuses every other origin first (the CORS protocol:
https://fetch.spec.whatwg.org/#http-cors-protocol; gateway responses:
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.synth import read_app_command, synthesize

from .browser import PageServer, launch, run_in_page
from .conftest import APPS
from .helpers import call

pytestmark = pytest.mark.slow

TEMPORARY = "Temp-Passw0rd!x"
PERMANENT = "N3w-Passw0rd!long"


@pytest.fixture(scope="module")
def pages() -> Iterator[tuple[PageServer, PageServer]]:
    """The allowed page's server and a foreign one."""
    allowed, foreign = PageServer(), PageServer()
    yield allowed, foreign
    allowed.close()
    foreign.close()


@pytest.fixture(scope="module")
def browser_api(
    pages: tuple[PageServer, PageServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalApi]:
    """apps/browser_app allowing the allowed page's two origins (127.0.0.1 and localhost)."""
    allowed, _ = pages
    origins = f"{allowed.origin('127.0.0.1')},{allowed.origin('localhost')}"
    app = APPS / "browser_app"
    out = synthesize(
        read_app_command(app),
        app,
        tmp_path_factory.mktemp("browser_app"),
        context={"allowed_origins": origins},
    )
    with LocalApi.from_cdk_out(out, port=0) as api:
        yield api


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = launch(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def _post(url: str, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "url": url,
        "method": "POST",
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": body,
    }


def _sign_up_and_sign_in(browser: Any, page: str, api: str) -> tuple[list[dict[str, Any]], str]:
    """/signup, /auth and /challenge from ``page``; the answers and the id token."""
    name = f"browser-{uuid.uuid4().hex[:8]}"
    first = run_in_page(
        browser,
        page,
        [
            _post(f"{api}signup", {"username": name, "email": f"{name}@example.com",
                                   "temporary_password": TEMPORARY}),
            _post(f"{api}auth", {"username": name, "password": TEMPORARY}),
        ],
    )  # fmt: skip
    session = json.loads(first[1]["body"])["session"]
    challenge = {
        "challenge_name": "NEW_PASSWORD_REQUIRED",
        "session": session,
        "challenge_responses": {"USERNAME": name, "NEW_PASSWORD": PERMANENT},
    }
    (tokens,) = run_in_page(browser, page, [_post(f"{api}challenge", challenge)])
    return [*first, tokens], json.loads(tokens["body"])["id_token"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_page_on_an_allowed_origin_signs_in_and_reads_every_answer(
    browser: Any, browser_api: LocalApi, pages: tuple[PageServer, PageServer], host: str
) -> None:
    # given a page on one of the two allowed origins
    allowed, _ = pages
    page = allowed.origin(host) + "/"

    # when it signs up, signs in and answers NEW_PASSWORD_REQUIRED with fetch()
    answers, id_token = _sign_up_and_sign_in(browser, page, browser_api.url)

    # then the browser let the page read each answer of the auth function
    signup, auth, challenge = answers
    assert signup["status"] == 201, signup
    assert json.loads(auth["body"])["challenge_name"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["status"] == 200
    assert set(json.loads(challenge["body"])) >= {"id_token", "access_token", "refresh_token"}

    # when it calls the protected route with the id token, without it, and sends a body
    # the gateway's model refuses
    whoami = f"{browser_api.url}whoami"
    protected, anonymous, refused = run_in_page(
        browser,
        page,
        [
            {"url": whoami, "method": "GET", "headers": {"Authorization": id_token}},
            {"url": whoami, "method": "GET"},
            _post(f"{browser_api.url}auth", {"username": 1}),
        ],
    )

    # then the route's answer, the authorizer's 401 and the gateway's 400 are all readable
    assert protected["status"] == 200, protected
    assert json.loads(protected["body"])["user"].startswith("browser-")
    assert anonymous["status"] == 401, anonymous
    assert json.loads(anonymous["body"]) == {"message": "Unauthorized"}
    assert refused["status"] == 400, refused
    assert json.loads(refused["body"])["error"] == "InvalidRequestBody"


def test_a_page_on_a_foreign_origin_can_read_no_answer(
    browser: Any, browser_api: LocalApi, pages: tuple[PageServer, PageServer]
) -> None:
    # given a page on an origin the app does not allow
    _, foreign = pages
    page = foreign.origin() + "/"
    api = browser_api.url
    name = f"browser-{uuid.uuid4().hex[:8]}"

    # when it runs the same script: sign-up, sign-in, challenge, the route with and
    # without a token, a refused body, an unknown path
    answers = run_in_page(
        browser,
        page,
        [
            _post(f"{api}signup", {"username": name, "email": f"{name}@example.com",
                                   "temporary_password": TEMPORARY}),
            _post(f"{api}auth", {"username": name, "password": TEMPORARY}),
            _post(f"{api}challenge", {"challenge_name": "NEW_PASSWORD_REQUIRED",
                                      "session": "x" * 40,
                                      "challenge_responses": {"USERNAME": name}}),
            {"url": f"{api}whoami", "method": "GET", "headers": {"Authorization": "x.y.z"}},
            {"url": f"{api}whoami", "method": "GET"},
            _post(f"{api}auth", {"username": 1}),
            {"url": f"{api}nowhere", "method": "GET"},
        ],
    )  # fmt: skip

    # then the browser showed it none of them
    assert [answer.get("error") for answer in answers] == ["TypeError: Failed to fetch"] * 7


def test_the_foreign_origins_requests_never_reached_the_pool(
    browser_api: LocalApi, pages: tuple[PageServer, PageServer], browser: Any
) -> None:
    # given the foreign page's sign-up attempt
    _, foreign = pages
    name = f"browser-{uuid.uuid4().hex[:8]}"
    run_in_page(
        browser,
        foreign.origin() + "/",
        [_post(f"{browser_api.url}signup", {"username": name, "email": f"{name}@example.com",
                                             "temporary_password": TEMPORARY})],
    )  # fmt: skip

    # then the web ACL refused it before the auth function ran: no such user exists
    from .helpers import cognito

    users = cognito(browser_api).list_users(UserPoolId=browser_api.user_pool_id)["Users"]
    assert name not in [user["Username"] for user in users]


def test_the_browser_binary_is_real() -> None:
    # given the paths the tests use
    from .browser import chromium_paths

    # then they exist (a missing browser fails, never skips)
    binary, driver = chromium_paths()
    assert Path(binary).exists()
    assert Path(driver).exists()


def test_preflights_and_gateway_answers_follow_the_template(
    browser_api: LocalApi, pages: tuple[PageServer, PageServer]
) -> None:
    # given the two allowed origins and a foreign one
    allowed, foreign = pages
    first, second, other = allowed.origin(), allowed.origin("localhost"), foreign.origin()
    preflight = {"Access-Control-Request-Method": "POST"}
    url = f"{browser_api.url}auth"

    # when each sends a preflight, and an allowed one meets the authorizer and a bad path
    answers = {
        origin: call("OPTIONS", url, headers={"Origin": origin, **preflight})
        for origin in (first, second, other)
    }
    unauthorized = call("GET", f"{browser_api.url}whoami", headers={"Origin": second})
    unknown = call("GET", f"{browser_api.url}nowhere", headers={"Origin": second})
    foreign_unknown = call("GET", f"{browser_api.url}nowhere", headers={"Origin": other})

    # then each allowed origin is named (the first fixed, the second by the template)
    assert answers[first].status == 204
    assert answers[first].headers["Access-Control-Allow-Origin"] == first
    assert answers[second].headers["Access-Control-Allow-Origin"] == second
    assert "Authorization" in answers[second].headers["Access-Control-Allow-Headers"]
    # and the foreign one is refused by the web ACL with no CORS header at all
    assert answers[other].status == 403
    assert "Access-Control-Allow-Origin" not in answers[other].headers
    assert foreign_unknown.status == 403
    assert "Access-Control-Allow-Origin" not in foreign_unknown.headers
    # and API Gateway's own 401 and 403 copy the allowed origin, exposing Retry-After
    for answer, status in ((unauthorized, 401), (unknown, 403)):
        assert answer.status == status
        assert answer.headers["Access-Control-Allow-Origin"] == second
        assert answer.headers["Vary"] == "Origin"
        assert answer.headers["Access-Control-Expose-Headers"] == "Retry-After"


def test_no_page_can_read_the_embedded_aws_services(
    browser: Any, browser_api: LocalApi, pages: tuple[PageServer, PageServer]
) -> None:
    """The emulator's moto holds the app's secrets (``make serve`` puts a real API key
    in its Secrets Manager) and answers its admin APIs to anyone who reaches it. Any
    page the developer visits, allowed by the app or not, must read nothing from it:
    moto's CORS is off and the services refuse every request that carries an ``Origin``.
    """
    allowed, foreign = pages
    services = browser_api.services_url.rstrip("/")
    pool = browser_api.user_pool_id
    steps = [
        _post(services + "/", {}, {"Content-Type": "application/x-amz-json-1.1",
                                   "X-Amz-Target": "secretsmanager.ListSecrets"}),
        _post(services + "/", {"UserPoolId": pool},
              {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUsers"}),
        {"url": f"{services}/{pool}/.well-known/jwks.json", "method": "GET"},
    ]  # fmt: skip
    for page in (allowed.origin() + "/", foreign.origin() + "/"):
        answers = run_in_page(browser, page, steps)
        assert [answer.get("error") for answer in answers] == ["TypeError: Failed to fetch"] * 3
    # the same JWKS without a browser's headers is served (the authorizer's own read)
    assert call("GET", f"{services}/{pool}/.well-known/jwks.json").status == 200
