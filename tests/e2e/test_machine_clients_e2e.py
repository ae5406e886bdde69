"""Machine clients through a running emulator: the token endpoint, then a scoped route.

The hand-written assembly fixtures/machine_assembly has a user pool with a domain, a
resource server ``api`` (``read``, ``write``), two machine clients (client credentials,
a secret; the reader allowed ``api/read``, the writer ``api/write``, both written as CDK
writes them: ``Fn::Join`` of the server's ``Ref`` and the scope name), a user client, and
``GET /reports`` (authorization scopes ``["api/read"]``) and ``GET /me`` (no scopes)
behind a Cognito authorizer on ``Authorization``; both echo the claims they receive.

Pages: https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html,
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.cli import banner

from .helpers import Reply, call, cognito, sign_in

ASSEMBLY = Path(__file__).parent / "fixtures" / "machine_assembly"
READER = "MachinePoolReaderClient5E6F7A8B"
WRITER = "MachinePoolWriterClient6F7A8B9C"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def api() -> Iterator[LocalApi]:
    with LocalApi.from_cdk_out(ASSEMBLY, port=0) as served:
        yield served


def _client(api: LocalApi, logical_id: str) -> str:
    assert api.references is not None
    return api.references.refs[logical_id]


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _token_request(api: LocalApi, logical_id: str, body: str, secret: str | None = None) -> Reply:
    client_id = _client(api, logical_id)
    headers = {**FORM, **_basic(client_id, secret or api.client_secret(client_id))}
    return call("POST", api.token_url, headers=headers, raw=body.encode())


def _token(api: LocalApi, logical_id: str) -> str:
    reply = _token_request(api, logical_id, "grant_type=client_credentials")
    assert reply.status == 200, reply.body
    token: str = reply.json()["access_token"]
    return token


def _get(api: LocalApi, path: str, token: str) -> Reply:
    return call("GET", api.url + path, headers={"Authorization": f"Bearer {token}"})


def test_the_token_endpoint_answers_at_the_root(api: LocalApi) -> None:
    """POST {root}/oauth2/token: a bearer access token, never cached (outside the stage)."""
    # when the reader asks for a token with HTTP Basic
    reply = _token_request(api, READER, "grant_type=client_credentials")

    # then it gets one, as a deployed pool's domain answers
    assert api.token_url == f"{api.root_url}/oauth2/token"
    assert reply.status == 200
    assert reply.json()["token_type"] == "Bearer"
    assert reply.json()["expires_in"] == 3600
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_machine_token_calls_a_route_with_its_scope(api: LocalApi) -> None:
    """The reader's token (scope api/read) passes the Cognito authorizer of GET /reports.

    The Lambda gets the machine's claims: client_id and sub the client, the scope.
    """
    reply = _get(api, "reports", _token(api, READER))

    assert reply.status == 200, reply.body
    received = reply.json()["claims"]
    reader = _client(api, READER)
    assert (received["client_id"], received["sub"]) == (reader, reader)
    assert (received["token_use"], received["scope"]) == ("access", "api/read")


def test_a_token_without_the_route_s_scope_is_unauthorized(api: LocalApi) -> None:
    """The writer's token (api/write only) on GET /reports (api/read): 401 Unauthorized.

    API Gateway's Cognito authorizer answers an access token without one of the method's
    scopes as it answers any token it refuses: 401 {"message": "Unauthorized"}.
    """
    reply = _get(api, "reports", _token(api, WRITER))

    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}


def test_an_id_token_is_refused_on_a_scoped_route(api: LocalApi) -> None:
    """A user's id token on GET /reports (scopes): 401; on GET /me (no scopes): 200."""
    tokens = sign_in(api, api.user_pool_id, api.client_id, "machine-alice")

    assert _get(api, "reports", tokens["id"]).status == 401
    assert _get(api, "me", tokens["id"]).status == 200


def test_a_machine_token_is_refused_where_an_id_token_is_wanted(api: LocalApi) -> None:
    """GET /me has no scopes: the authorizer wants an id token; the machine's is refused."""
    assert _get(api, "me", _token(api, READER)).status == 401


def test_the_endpoint_s_errors_reach_the_caller(api: LocalApi) -> None:
    """A wrong secret is 400 invalid_client; a scope not allowed 400 invalid_scope."""
    wrong = _token_request(api, READER, "grant_type=client_credentials", secret="wrong")
    scope = _token_request(api, READER, "grant_type=client_credentials&scope=api%2Fwrite")

    assert (wrong.status, wrong.json()) == (400, {"error": "invalid_client"})
    assert (scope.status, scope.json()) == (400, {"error": "invalid_scope"})
    assert scope.headers["Cache-Control"] == "no-store"


def test_a_form_without_its_content_type_is_refused(api: LocalApi) -> None:
    """The gateway forwards the request as sent: no form Content-Type, invalid_request."""
    reader = _client(api, READER)
    headers = {**_basic(reader, api.client_secret(reader)), "Content-Type": "application/json"}

    reply = call("POST", api.token_url, headers=headers, raw=b"grant_type=client_credentials")

    assert (reply.status, reply.json()) == (400, {"error": "invalid_request"})


def test_only_post_reaches_the_token_endpoint(api: LocalApi) -> None:
    """GET /oauth2/token: 405, Allow: POST (the endpoint only supports POST)."""
    reply = call("GET", api.token_url)

    assert reply.status == 405
    assert reply.headers["Allow"] == "POST"


def test_the_template_s_oauth_resources_are_in_the_services(api: LocalApi) -> None:
    """The resource server and the domain exist in the embedded Cognito, as deployed."""
    client = cognito(api)

    server = client.describe_resource_server(UserPoolId=api.user_pool_id, Identifier="api")
    domain = client.describe_user_pool_domain(Domain="machine-local-test")
    reader = client.describe_user_pool_client(
        UserPoolId=api.user_pool_id, ClientId=_client(api, READER)
    )["UserPoolClient"]

    assert [s["ScopeName"] for s in server["ResourceServer"]["Scopes"]] == ["read", "write"]
    assert domain["DomainDescription"]["UserPoolId"] == api.user_pool_id
    assert reader["AllowedOAuthScopes"] == ["api/read"]
    assert reader["AllowedOAuthFlows"] == ["client_credentials"]
    assert reader["ClientSecret"] == api.client_secret(reader["ClientId"])


def test_the_banner_lists_machine_clients_and_the_token_url_but_no_secret(
    api: LocalApi,
) -> None:
    """serve prints the machine clients' ids, the token URL, how to read a secret."""
    text = banner(api)

    assert f"POST {api.token_url}" in text
    for logical_id in (READER, WRITER):
        client_id = _client(api, logical_id)
        assert client_id in text
        assert api.client_secret(client_id) not in text
    assert "describe-user-pool-client" in text
    assert f"App client: {api.client_id}" in text
    assert api.client_id not in api.machine_client_ids
