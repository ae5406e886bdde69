"""The handler's Cognito client: region, endpoint and resilience settings."""

from __future__ import annotations


def test_client_uses_the_function_region_and_bounded_retries(cognito, monkeypatch):
    # given
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")

    # when
    client = cognito.module.new_cognito_client()

    # then
    assert client.meta.region_name == "eu-west-1"
    config = client.meta.config
    assert config.connect_timeout <= 5
    assert config.read_timeout <= 10
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_endpoint_override_is_left_to_boto3(cognito, monkeypatch):
    # given: how the local emulator points the function at its Cognito
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")

    # when
    client = cognito.module.new_cognito_client()

    # then
    assert client.meta.endpoint_url == "http://127.0.0.1:4566"


def test_module_client_is_created_once_and_reused(invoke, make_event, cognito):
    # given
    client = cognito.module._cognito

    # when
    invoke(make_event("/auth", {"username": "ana", "password": "x"}))
    invoke(make_event("/auth", {"username": "ana", "password": "x"}))

    # then
    assert cognito.module._cognito is client


def test_worst_case_cognito_call_ends_inside_the_function_timeout(cognito):
    # given: what the construct deploys, and the client's retry budget
    from cognito_api_construct.options import AUTH_FUNCTION_TIMEOUT_SECONDS

    config = cognito.module.CLIENT_CONFIG
    attempts = config.retries["total_max_attempts"]
    # standard mode sleeps at most 2**n seconds before retry n (1 s, then 2 s)
    backoff = sum(2**n for n in range(attempts - 1))

    # when
    worst = attempts * (config.connect_timeout + config.read_timeout) + backoff

    # then: a stalled Cognito gives our 503, not a Lambda timeout
    assert worst < AUTH_FUNCTION_TIMEOUT_SECONDS
