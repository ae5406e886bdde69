"""The example's open sign-up, and the gate that closes it.

With open sign-up anyone may create an account and then spend the operator's
model-service key through ``/gpt``: the route has its own throttle, and the stack can
gate sign-up with a pre sign-up trigger allowing only some email domains (off by
default). Cognito runs the trigger for AdminCreateUser and SignUp alike, and refuses
the sign-up when it raises
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
"""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.fixture(scope="module")
def gate(example_module: Any) -> Any:
    return example_module("signup_gate.gate")


def _event(email: str | None, source: str = "PreSignUp_AdminCreateUser") -> dict[str, Any]:
    attributes = {} if email is None else {"email": email}
    return {
        "version": "1",
        "triggerSource": source,
        "userName": "ana",
        "request": {"userAttributes": attributes},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False},
    }


@pytest.mark.parametrize("email", ["ana@example.com", "Ana@EXAMPLE.org", " ana@example.com "])
def test_an_address_of_an_allowed_domain_passes_unchanged(
    gate: Any, monkeypatch: pytest.MonkeyPatch, email: str
) -> None:
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", "example.com, example.org")
    event = _event(email, "PreSignUp_SignUp")
    assert gate.handler(event, None) is event


@pytest.mark.parametrize(
    "email",
    [
        "ana@evil.example",
        "ana@example.com.evil.example",
        "ana@sub.example.com",
        "example.com",
        "@example.com",
        "",
        None,
    ],
)
def test_any_other_address_is_refused(
    gate: Any, monkeypatch: pytest.MonkeyPatch, email: str | None
) -> None:
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", "example.com")
    with pytest.raises(gate.SignUpRefused):
        gate.handler(_event(email), None)


def test_without_allowed_domains_everyone_is_refused(
    gate: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALLOWED_EMAIL_DOMAINS", raising=False)
    with pytest.raises(gate.SignUpRefused):
        gate.handler(_event("ana@example.com"), None)


def _template(app_module: Any, context: dict[str, str]) -> Any:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    return Template.from_stack(app_module.build(cdk.App(context=context))).to_json()


def test_the_gate_is_off_by_default_and_on_with_allowed_domains(app_module: Any) -> None:
    # given the example synthesized without, then with, allowed_email_domains
    open_template = _template(app_module, {})
    gated_template = _template(app_module, {"allowed_email_domains": "example.com,example.org"})

    def pool(template: dict[str, Any]) -> dict[str, Any]:
        (found,) = [
            r["Properties"]
            for r in template["Resources"].values()
            if r["Type"] == "AWS::Cognito::UserPool"
        ]
        return found

    # then only the second pool has a pre sign-up trigger, with those domains
    assert "PreSignUp" not in pool(open_template).get("LambdaConfig", {})
    gate_arn = pool(gated_template)["LambdaConfig"]["PreSignUp"]
    (gate_id,) = [
        key
        for key, r in gated_template["Resources"].items()
        if r["Type"] == "AWS::Lambda::Function" and key.startswith("SignUpGate")
    ]
    assert gate_arn == {"Fn::GetAtt": [gate_id, "Arn"]}
    variables = gated_template["Resources"][gate_id]["Properties"]["Environment"]["Variables"]
    assert variables == {"ALLOWED_EMAIL_DOMAINS": "example.com,example.org"}


def test_gpt_has_its_own_throttle_below_the_stage_default(app_module: Any) -> None:
    # given the example
    template = _template(app_module, {})
    (stage,) = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::Stage"
    ]
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in stage["MethodSettings"]}

    # then POST /gpt is limited to 5 requests/s (burst 10), the stage to 100
    gpt = settings[("/~1gpt", "POST")]
    assert (gpt["ThrottlingRateLimit"], gpt["ThrottlingBurstLimit"]) == (5, 10)
    assert settings[("/*", "*")]["ThrottlingRateLimit"] == 100
    assert json.dumps(gpt).count("Throttling") == 2
