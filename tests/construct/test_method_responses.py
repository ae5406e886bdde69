"""Every auth method declares its responses: the success body's model, an error model.

API Gateway's MethodResponses name each status a method answers and the model of its
body (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-response.html);
the construct derives them from the route declarations of ``runtime/contract.py``, and
the OpenAPI document is read back from them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cognito_api_construct.runtime.contract import routes_for

from .conftest import Synthesized
from .helpers import methods_by_route


def _models(app: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in app.resources("AWS::ApiGateway::Model").items()
    }


def _model_of(app: Synthesized, reference: dict[str, str]) -> dict[str, Any]:
    schema: dict[str, Any] = _models(app)[reference["Ref"]]["Schema"]
    return schema


@pytest.mark.parametrize(
    ("fixture", "flow"), [("defaults", "ADMIN_CREATE"), ("self_service", "SELF_SERVICE")]
)
def test_each_auth_method_declares_its_statuses_with_models(
    fixture: str, flow: str, request: pytest.FixtureRequest
) -> None:
    # given a synthesized app of the flow
    app: Synthesized = request.getfixturevalue(fixture)
    methods = methods_by_route(app.template)

    for declared in routes_for(flow):
        # when its method is read
        responses = {
            r["StatusCode"]: r
            for r in methods[(declared.resource, declared.method)]["MethodResponses"]
        }

        # then exactly the success status and the route's error statuses are declared
        assert set(responses) == {str(declared.status)} | {
            str(status) for status in declared.errors_by_status()
        }, declared.path
        success = responses[str(declared.status)]
        if declared.response is None:
            assert "ResponseModels" not in success
        else:
            assert (
                _model_of(app, success["ResponseModels"]["application/json"]) == declared.response
            )
        for status in declared.errors_by_status():
            model = _model_of(app, responses[str(status)]["ResponseModels"]["application/json"])
            assert model == declared.error_schema
            assert set(model["properties"]["error"]["enum"]) >= set(
                declared.errors_by_status()[status]
            )
        assert success["ResponseParameters"]["method.response.header.Cache-Control"] is True
        if "429" in responses:
            assert "method.response.header.Retry-After" in responses["429"]["ResponseParameters"]


def test_one_model_per_success_body_and_one_error_model_per_route(defaults: Synthesized) -> None:
    # given the default app
    # when its models are counted by title
    titles = [model["Schema"]["title"] for model in _models(defaults).values()]

    # then each success body (Tokens, TokensOrChallenge...) is one model, shared; request
    # models stay one per route (their construct ids predate this, e.g. LoginRequestModel)
    answers = [title for title in titles if not title.endswith("Request")]
    assert answers.count("TokensOrChallenge") == 1
    assert answers.count("AuthError") == answers.count("LoginError") == 1
    assert len(answers) == len(set(answers))


def test_a_user_route_declares_no_responses(defaults: Synthesized) -> None:
    # given the user's own route: its code alone knows its answers
    methods = methods_by_route(defaults.template)

    # then
    assert "MethodResponses" not in methods[("/v1/reports", "GET")]
