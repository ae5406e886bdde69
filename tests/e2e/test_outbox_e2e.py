"""The outbox: every email and SMS the emulator's Cognito sends, where a developer reads it.

Deployed, Cognito emails the sign-up confirmation and password reset codes; locally they
go to the outbox, with real random codes the emulator then checks. The contract (issue
10): ``GET /_outbox`` at the emulator's root (outside the stage, like ``/openapi.json``)
answers ``{"messages": [{"to", "channel", "trigger_source", "code", "subject", "body",
"sent_at"}]}``, oldest first, filtered by ``?to=``; ``LocalApi.outbox(to=None)`` returns
the same list; ``serve`` prints each message as it is sent (``on_message``).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest

from cognito_api_construct.client import CognitoApiClient
from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.cli import _print_message

from .helpers import call

PASSWORD = "Corr3ct-Horse!Battery"
FIELDS = {"to", "channel", "trigger_source", "code", "subject", "body", "sent_at"}

pytestmark = pytest.mark.slow


def _sign_up_and_forget(api: LocalApi) -> tuple[str, str]:
    """A user who signs up, then asks for a password reset; their name and email."""
    name = f"outbox-{uuid.uuid4().hex[:10]}"
    email = f"{name}@example.com"
    client = CognitoApiClient(api.url)
    client.sign_up(name, email, password=PASSWORD)
    client.confirm_sign_up(name, str(api.outbox(email)[-1]["code"]))
    client.forgot_password(name)
    return name, email


def test_get_outbox_at_the_root_lists_the_users_messages_oldest_first(
    self_service_api: LocalApi,
) -> None:
    # given a user who signed up and asked for a reset
    _, email = _sign_up_and_forget(self_service_api)

    # when the outbox is read over HTTP, at the root, filtered by address
    reply = call("GET", f"{self_service_api.root_url}/_outbox?to={email}")

    # then it holds the two emails in the order sent, each with the contract's fields
    # and a real six-digit code found in its body, the same list LocalApi.outbox returns
    assert reply.status == 200
    messages = reply.json()["messages"]
    assert messages == self_service_api.outbox(email)
    assert [m["trigger_source"] for m in messages] == [
        "CustomMessage_SignUp",
        "CustomMessage_ForgotPassword",
    ]
    for message in messages:
        assert set(message) == FIELDS
        assert (message["to"], message["channel"]) == (email, "EMAIL")
        assert re.fullmatch(r"\d{6}", message["code"])
        assert message["code"] in message["body"]
        assert message["subject"]
    first, second = (datetime.fromisoformat(m["sent_at"]) for m in messages)
    assert first <= second
    assert first.tzinfo is not None
    assert messages[0]["code"] != messages[1]["code"]


def test_the_unfiltered_outbox_holds_every_users_messages(self_service_api: LocalApi) -> None:
    # given two users' messages
    _, first = _sign_up_and_forget(self_service_api)
    _, second = _sign_up_and_forget(self_service_api)

    # when the whole outbox is read
    everything = call("GET", f"{self_service_api.root_url}/_outbox").json()["messages"]

    # then both are there, and the filter keeps only one address's
    addresses = [message["to"] for message in everything]
    assert addresses.count(first) == 2
    assert addresses.count(second) == 2
    assert everything == self_service_api.outbox()
    assert call("GET", f"{self_service_api.root_url}/_outbox?to=nobody@example.com").json() == {
        "messages": []
    }


def test_the_filter_ignores_the_case_of_the_address(self_service_api: LocalApi) -> None:
    """Email addresses are compared without case by mail systems in practice (RFC 5321
    §2.4 leaves the local part to the receiving host), and a developer types the address
    as it comes: ``?to=`` matches whatever its case."""
    # given a user's two messages
    _, email = _sign_up_and_forget(self_service_api)

    # when the outbox is read with the address in capitals
    shouted = call("GET", f"{self_service_api.root_url}/_outbox?to={email.upper()}").json()

    # then the same messages come back, over HTTP and from LocalApi
    assert shouted["messages"] == self_service_api.outbox(email)
    assert self_service_api.outbox(email.upper()) == self_service_api.outbox(email)
    assert len(shouted["messages"]) == 2


def test_the_outbox_is_outside_the_stage(self_service_api: LocalApi) -> None:
    # given the stage URL
    # when /_outbox is asked for inside the stage
    reply = call("GET", f"{self_service_api.url}_outbox")

    # then it is the API's own answer for a path the template lacks
    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}


def test_each_message_reaches_on_message_as_it_is_sent(
    self_service_api: LocalApi, self_service_messages: list[dict[str, Any]]
) -> None:
    # given the emulator's on_message (what `serve` prints)
    # when a user signs up and asks for a reset
    _, email = _sign_up_and_forget(self_service_api)

    # then on_message saw the same messages as the outbox, in order
    seen = [message for message in self_service_messages if message["to"] == email]
    assert seen == self_service_api.outbox(email)


def test_serve_prints_a_message_with_its_subject_and_body(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a message as the outbox holds it
    message = {
        "to": "ann@example.com",
        "channel": "EMAIL",
        "trigger_source": "CustomMessage_SignUp",
        "code": "123456",
        "subject": "Your verification code",
        "body": "Your verification code is 123456. ",
        "sent_at": "2026-11-29T20:00:00.000+00:00",
    }

    # when serve prints it
    _print_message(message)

    # then the developer reads who it went to, why, and the body with the code
    printed = capsys.readouterr().out
    assert "EMAIL to ann@example.com (Your verification code), CustomMessage_SignUp" in printed
    assert "Your verification code is 123456." in printed
