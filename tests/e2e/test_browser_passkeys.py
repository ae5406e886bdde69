"""A real browser signs in without a password: a passkey it registers, and an email code.

Headless Chromium (``browser.py``) with WebDriver's virtual authenticator (a CTAP2
platform authenticator that holds resident keys and verifies the user,
https://www.w3.org/TR/webauthn-3/#sctn-automation) runs ``fetch`` and the WebAuthn API
from a page on ``http://localhost:<port>/`` against apps/passwordless_app served by the
emulator (its CORS allows that origin; its relying party is ``localhost``). The page's
script is the README's "Passwordless sign-in" example: it signs in with a password,
registers a passkey (``PublicKeyCredential.parseCreationOptionsFromJSON``,
``navigator.credentials.create``, ``credential.toJSON()``), lists it, and signs in with
the passkey alone (``parseRequestOptionsFromJSON``, ``navigator.credentials.get``,
``CREDENTIAL`` the JSON string of ``credential.toJSON()``, as Cognito's
RespondToAuthChallenge takes it:
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
An email-code sign-in runs from the same page with the code the test reads from the
outbox, after a wrong code is refused.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.client import CognitoApiClient, Tokens
from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.synth import read_app_command, synthesize

from .browser import PageServer, launch, run_in_page
from .conftest import APPS

pytestmark = pytest.mark.slow

PASSWORD = "Corr3ct-Horse!Battery"
README = Path(__file__).resolve().parents[2] / "README.md"

#: Runs in the page (the README's example, with each answer recorded for the test):
#: password sign-in, passkey registration, the list, a sign-in with the passkey alone,
#: the protected route with those tokens, and the passkey deleted.
PASSKEY_SCRIPT = """
const [api, username, password, done] = arguments;
const send = (method, path, body, token) => fetch(api + path, {
  method,
  headers: {...(body ? {"Content-Type": "application/json"} : {}),
            ...(token ? {Authorization: token} : {})},
  body: body ? JSON.stringify(body) : undefined,
});
const answers = {};
const record = async (name, response) => {
  const text = await response.text();
  answers[name] = {status: response.status, body: text ? JSON.parse(text) : null};
  return answers[name].body;
};
(async () => {
  try {
    // Signed in with the password: the access token goes in the token header.
    const tokens = await record("auth", await send("POST", "auth", {username, password}));
    const access = tokens.access_token;

    // Register a passkey: the API's options, the browser's credential, back to the API.
    const {credential_creation_options} = await record(
      "register", await send("POST", "passkeys/register", {}, access));
    const created = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(credential_creation_options),
    });
    await record("complete", await send(
      "POST", "passkeys/register/complete", {credential: created.toJSON()}, access));
    answers.created_id = created.id;
    await record("list", await send("GET", "passkeys", null, access));

    // Sign in with the passkey alone.
    const challenge = await record("start", await send(
      "POST", "auth/start", {username, preferred_challenge: "WEB_AUTHN"}));
    const assertion = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(
        challenge.challenge_parameters.credential_request_options),
    });
    const signedIn = await record("challenge", await send("POST", "challenge", {
      challenge_name: "WEB_AUTHN",
      session: challenge.session,
      challenge_responses: {USERNAME: username, CREDENTIAL: JSON.stringify(assertion.toJSON())},
    }));
    await record("whoami", await send("GET", "whoami", null, signedIn.id_token));

    // Delete it (the access token of the passkey sign-in).
    await record("delete", await send(
      "DELETE", "passkeys/" + created.id, null, signedIn.access_token));
    await record("after", await send("GET", "passkeys", null, signedIn.access_token));
  } catch (error) {
    answers.error = String(error);
  }
  done(answers);
})();
"""


@pytest.fixture(scope="module")
def page() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def passwordless_browser_api(
    page: PageServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalApi]:
    """apps/passwordless_app allowing the page's origin ``http://localhost:<port>``."""
    app = APPS / "passwordless_app"
    out = synthesize(
        read_app_command(app),
        app,
        tmp_path_factory.mktemp("passwordless_app"),
        context={"allowed_origins": page.origin("localhost")},
    )
    with LocalApi.from_cdk_out(out, port=0) as api:
        yield api


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a virtual platform authenticator (resident keys, UV)."""
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions

    driver = launch(tmp_path_factory.mktemp("chromium-passkeys-profile"))
    options = VirtualAuthenticatorOptions()
    options.protocol = VirtualAuthenticatorOptions.Protocol.CTAP2
    options.transport = VirtualAuthenticatorOptions.Transport.INTERNAL
    options.has_resident_key = True
    options.has_user_verification = True
    options.is_user_verified = True
    driver.add_virtual_authenticator(options)
    yield driver
    driver.quit()


def _post(url: str, body: Any) -> dict[str, Any]:
    return {"url": url, "method": "POST", "headers": {"Content-Type": "application/json"},
            "body": body}  # fmt: skip


def _signed_up(browser: Any, page_url: str, api: LocalApi) -> tuple[str, str]:
    """A user who signed up and confirmed from the page (the code read from the outbox)."""
    name = f"passkey-{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.com"
    body = {"username": name, "email": email, "password": PASSWORD}
    (signup,) = run_in_page(browser, page_url, [_post(f"{api.url}signup", body)])
    assert signup["status"] == 201, signup
    code = str(api.outbox(email)[-1]["code"])
    confirm = {"username": name, "code": code}
    (confirmed,) = run_in_page(browser, page_url, [_post(f"{api.url}signup/confirm", confirm)])
    assert confirmed["status"] == 200, confirmed
    return name, email


def test_the_browser_supports_the_webauthn_json_helpers(browser: Any, page: PageServer) -> None:
    # given the page on localhost
    browser.get(page.origin("localhost") + "/")

    # when it asks for WebAuthn's JSON helpers (the README's example relies on them)
    supported = browser.execute_script(
        "return [window.isSecureContext,"
        " typeof PublicKeyCredential.parseCreationOptionsFromJSON,"
        " typeof PublicKeyCredential.parseRequestOptionsFromJSON,"
        " typeof PublicKeyCredential.prototype.toJSON];"
    )

    # then the page is a secure context and every helper exists
    assert supported == [True, "function", "function", "function"]


def test_a_page_registers_a_passkey_and_signs_in_with_it_alone(
    browser: Any, page: PageServer, passwordless_browser_api: LocalApi
) -> None:
    # given a user who signed up from the page on http://localhost:<port>
    page_url = page.origin("localhost") + "/"
    name, _ = _signed_up(browser, page_url, passwordless_browser_api)

    # when the page signs in with the password, registers a passkey with the virtual
    # authenticator, lists it, signs in with it alone, calls /whoami and deletes it
    browser.get(page_url)
    answers = browser.execute_async_script(
        PASSKEY_SCRIPT, passwordless_browser_api.url, name, PASSWORD
    )

    # then every step was readable and did what the contract says
    assert "error" not in answers, answers
    assert answers["auth"]["status"] == 200
    assert answers["register"]["status"] == 200
    assert answers["register"]["body"]["credential_creation_options"]["rp"]["id"] == "localhost"
    assert answers["complete"] == {"status": 201, "body": {}}
    assert answers["list"]["status"] == 200
    (listed,) = answers["list"]["body"]["passkeys"]
    assert listed["credential_id"] == answers["created_id"]
    assert listed["relying_party_id"] == "localhost"
    assert listed["authenticator_attachment"] == "platform"
    assert answers["start"]["status"] == 200
    assert answers["start"]["body"]["challenge_name"] == "WEB_AUTHN"
    assert answers["challenge"]["status"] == 200
    assert set(answers["challenge"]["body"]) >= {"id_token", "access_token", "refresh_token"}
    assert answers["whoami"] == {"status": 200, "body": {"user": name}}
    assert answers["delete"] == {"status": 204, "body": None}
    assert answers["after"] == {"status": 200, "body": {"passkeys": []}}

    # and the passkey lives in the browser's authenticator, a resident key for localhost
    held = [c for c in browser.get_credentials() if c.rp_id == "localhost"]
    assert answers["created_id"] in [c.id.rstrip("=") for c in held]
    assert all(c.is_resident_credential for c in held)


def test_a_page_signs_in_with_an_email_code_after_a_wrong_one_is_refused(
    browser: Any, page: PageServer, passwordless_browser_api: LocalApi
) -> None:
    # given a user who signed up from the page
    page_url = page.origin("localhost") + "/"
    api = passwordless_browser_api
    name, email = _signed_up(browser, page_url, api)

    # when the page starts a sign-in preferring an email code
    start = {"username": name, "preferred_challenge": "EMAIL_OTP"}
    (started,) = run_in_page(browser, page_url, [_post(f"{api.url}auth/start", start)])

    # then it reads the EMAIL_OTP challenge, and the code is in the outbox
    assert started["status"] == 200, started
    challenge = json.loads(started["body"])
    assert challenge["challenge_name"] == "EMAIL_OTP"
    assert challenge["challenge_parameters"]["delivery"]["medium"] == "EMAIL"
    (message,) = [
        m for m in api.outbox(email) if m["trigger_source"] == "CustomMessage_Authentication"
    ]
    code = str(message["code"])
    wrong = f"{(int(code) + 1) % 10**8:08d}"

    # when it answers a wrong code, then the right one on the same session
    def answer(given: str) -> dict[str, Any]:
        return _post(f"{api.url}challenge", {
            "challenge_name": "EMAIL_OTP", "session": challenge["session"],
            "challenge_responses": {"USERNAME": name, "EMAIL_OTP_CODE": given},
        })  # fmt: skip

    refused, accepted = run_in_page(browser, page_url, [answer(wrong), answer(code)])

    # then the wrong one is refused (readable by the page), the right one gives tokens
    assert refused["status"] == 400, refused
    assert json.loads(refused["body"])["error"] == "CodeMismatch"
    assert accepted["status"] == 200, accepted
    id_token = json.loads(accepted["body"])["id_token"]
    whoami = {"url": f"{api.url}whoami", "method": "GET", "headers": {"Authorization": id_token}}
    (protected,) = run_in_page(browser, page_url, [whoami])
    assert protected["status"] == 200, protected
    assert json.loads(protected["body"]) == {"user": name}


def _readme_passkey_snippet() -> str:
    """The README's passkey ``fetch`` example: its section's JavaScript, up to the email part."""
    readme = README.read_text(encoding="utf-8")
    section = readme.split("\n## Passwordless sign-in\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```js\n(.*?)```", section, flags=re.DOTALL)
    return block.split("// An email code instead")[0]


def test_the_readmes_passkey_example_runs_as_written(
    browser: Any, page: PageServer, passwordless_browser_api: LocalApi
) -> None:
    """The README's ``fetch`` example, verbatim, against the emulator in a real browser."""
    # given a user signed in with their password (the example starts from their tokens)
    page_url = page.origin("localhost") + "/"
    api = passwordless_browser_api
    name, _ = _signed_up(browser, page_url, api)
    tokens = CognitoApiClient(api.url).authenticate(name, PASSWORD)
    assert isinstance(tokens, Tokens)

    # when the page runs the README's passkey example as written
    script = (
        "const [api, username, tokens, done] = arguments;\n(async () => {\ntry {\n"
        + _readme_passkey_snippet()
        + "\ndone({passkeys, signedIn});\n} catch (error) { done({error: String(error)}); }\n"
        "})();"
    )
    browser.get(page_url)
    result = browser.execute_async_script(
        script, api.url, name, {"access_token": tokens.access_token}
    )

    # then it registered one passkey, listed it, and signed in with it alone
    assert "error" not in result, result
    (passkey,) = result["passkeys"]
    assert passkey["relying_party_id"] == "localhost"
    assert set(result["signedIn"]) >= {"id_token", "access_token", "refresh_token"}
