"""Who may call what, through the emulator: groups on a route, a machine client's scope.

The app is apps/access_app: ``GET admin/reports`` for members of ``admins`` only (the
construct's groups authorizer, a Lambda REQUEST authorizer reading the id token's
``cognito:groups``), ``GET machine/reports`` for access tokens with
``api/reports.read`` (a Cognito user pools authorizer), and the machine client
``Reporter`` allowed that scope. The admins-only route's function appends each caller's
username to ``access_log``, so a test sees whether it ran. Users sign up and confirm
with the outbox's code (``SignUpFlow.SELF_SERVICE``), as a real user would; an
administrator's call on the embedded Cognito adds them to the group.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cognito_api_construct.client import CognitoApiClient, CognitoApiError, Tokens
from cognito_api_construct.local import LocalApi

from .helpers import PASSWORD, Reply, call, cognito, self_signed_up

#: API Gateway's answer when a Lambda authorizer's policy denies the method explicitly.
EXPLICIT_DENY = {"Message": "User is not authorized to access this resource with an explicit deny"}
UNAUTHORIZED = {"message": "Unauthorized"}

pytestmark = pytest.mark.slow


def _get(api: LocalApi, path: str, token: str | None) -> Reply:
    return call("GET", api.url + path, headers={"Authorization": token} if token else {})


def _runs(log: Path, name: str) -> int:
    """How many times the admins-only route's function ran for ``name``."""
    return log.read_text().splitlines().count(name) if log.exists() else 0


def _machine(api: LocalApi) -> CognitoApiClient:
    (client_id,) = api.machine_client_ids
    return CognitoApiClient.for_machine(
        api.token_url, client_id, api.client_secret(client_id), base_url=api.url
    )


def test_a_user_outside_the_group_is_refused_and_the_handler_never_runs(
    access_api: LocalApi, access_log: Path
) -> None:
    """A valid id token without ``admins`` in ``cognito:groups``: 403, the route not run.

    Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
    (a policy whose Deny covers the method: API Gateway answers 403 and does not call
    the integration) and
    https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
    (``ACCESS_DENIED``: 403).
    """
    # given a signed-in user in no group
    name, client, tokens = self_signed_up(access_api, "access")

    # when they call the admins-only route, with the client as any protected route
    with pytest.raises(CognitoApiError) as refused:
        client.request("GET", "admin/reports")
    again = _get(access_api, "admin/reports", tokens.id_token)

    # then the gateway refuses in its own shape, and the function never ran
    assert refused.value.status == 403
    assert (again.status, again.json()) == (403, EXPLICIT_DENY)
    assert _runs(access_log, name) == 0
    # while a route for every signed-in user admits them
    assert client.request("GET", "whoami") == {"user": name, "path": "/whoami"}


def test_added_to_the_group_the_user_signs_in_again_and_is_admitted(
    access_api: LocalApi, access_log: Path
) -> None:
    """After AdminAddUserToGroup, a new sign-in's id token carries the group: 200.

    Follows https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html
    (a user's groups are the ``cognito:groups`` claim of the tokens issued after they
    join),
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
    and https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html
    (the authorizer's answer is cached per identity source, i.e. per token: the old
    token keeps its cached refusal).
    """
    # given a user refused on the admins-only route
    name, client, before = self_signed_up(access_api, "access")
    assert _get(access_api, "admin/reports", before.id_token).status == 403

    # when an administrator adds them to admins and they sign in again
    cognito(access_api).admin_add_user_to_group(
        UserPoolId=access_api.user_pool_id, Username=name, GroupName="admins"
    )
    after = client.authenticate(name, PASSWORD)
    assert isinstance(after, Tokens)
    admitted = client.request("GET", "admin/reports")

    # then the new token reaches the function, which reads the caller's claims as the
    # README says (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html:
    # the context reaches the integration as strings), the old one is still refused
    assert admitted == {
        "user": name,
        "groups": "admins",
        "path": "/admin/reports",
        "email": f"{name}@example.com",
        "sub_is_principal": True,
    }
    assert _runs(access_log, name) == 1
    assert _get(access_api, "admin/reports", before.id_token).status == 403
    assert _runs(access_log, name) == 1


def test_missing_or_bad_tokens_are_401_a_valid_one_without_the_group_403(
    access_api: LocalApi, access_log: Path
) -> None:
    """401 for no token, a garbage one or an access token; 403 for a member of no group.

    Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
    (an ``Unauthorized`` error: 401; an identity source that is missing: 401 without
    calling the authorizer) and
    https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
    (the authorizer verifies the signature and that ``token_use`` is ``id``).
    """
    # given a signed-in user in no group
    name, _, tokens = self_signed_up(access_api, "access")

    # when the admins-only route is called with each kind of token
    replies = {
        "none": _get(access_api, "admin/reports", None),
        "garbage": _get(access_api, "admin/reports", "not.a.jwt"),
        "bearer garbage": _get(access_api, "admin/reports", "Bearer eyJhbGciOi.x.y"),
        "access token": _get(access_api, "admin/reports", tokens.access_token),
        "valid id token": _get(access_api, "admin/reports", tokens.id_token),
    }

    # then only the valid id token gets past 401, to the gateway's 403; nothing ran
    answers = {kind: (reply.status, reply.json()) for kind, reply in replies.items()}
    assert answers == {
        "none": (401, UNAUTHORIZED),
        "garbage": (401, UNAUTHORIZED),
        "bearer garbage": (401, UNAUTHORIZED),
        "access token": (401, UNAUTHORIZED),
        "valid id token": (403, EXPLICIT_DENY),
    }
    assert _runs(access_log, name) == 0


def test_a_machine_client_gets_a_token_and_calls_the_scoped_route(access_api: LocalApi) -> None:
    """Client credentials at the pool's token endpoint; its access token passes the scope.

    Follows https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
    (``grant_type=client_credentials`` with HTTP Basic: an access token with the
    client's scopes) and
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
    (a method with authorization scopes wants an access token carrying one of them).
    """
    # given the app's machine client, with its id and secret from the emulator
    (client_id,) = access_api.machine_client_ids
    machine = _machine(access_api)

    # when it calls the route scoped to reports.read
    answer = machine.request("GET", "machine/reports")

    # then its token, fetched from the root's /oauth2/token, reaches the function
    assert access_api.token_url == f"{access_api.root_url}/oauth2/token"
    assert answer == {"client_id": client_id, "scope": "api/reports.read"}
    assert access_api.client_id != client_id  # the users' client is another one


def test_a_user_s_tokens_are_refused_on_the_scoped_route(access_api: LocalApi) -> None:
    """A user's id token (no scopes) and access token (not ``api/reports.read``): 401.

    Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
    (with authorization scopes the authorizer wants an access token with one of them,
    else 401 ``Unauthorized``).
    """
    # given a signed-in user
    _, client, tokens = self_signed_up(access_api, "access")

    # when they call the machine's route with either token
    with pytest.raises(CognitoApiError) as refused:
        client.request("GET", "machine/reports")
    access = _get(access_api, "machine/reports", tokens.access_token)

    # then both are refused before the function
    assert (refused.value.status, refused.value.error) == (401, "Unauthorized")
    assert (access.status, access.json()) == (401, UNAUTHORIZED)


def test_the_machine_token_is_refused_on_the_admins_only_route(access_api: LocalApi) -> None:
    """A client-credentials access token is no id token: the groups authorizer says 401.

    Follows https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
    (a machine's access token has ``token_use`` ``access`` and no ``cognito:groups``)
    and https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html.
    """
    # given the machine client
    machine = _machine(access_api)

    # when it calls the admins-only route and the route for signed-in users
    refusals = []
    for path in ("admin/reports", "whoami"):
        with pytest.raises(CognitoApiError) as refused:
            machine.request("GET", path)
        refusals.append(refused.value.status)

    # then neither admits it
    assert refusals == [401, 401]


def test_the_template_s_group_exists_in_the_embedded_cognito(access_api: LocalApi) -> None:
    """``AWS::Cognito::UserPoolGroup`` is created as CloudFormation creates it, empty.

    Follows https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpoolgroup.html
    (``Ref``: the group's name) and
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetGroup.html.
    """
    # given the app's add_group("admins", description=..., precedence=0)
    # when the embedded Cognito is asked for it
    group = cognito(access_api).get_group(UserPoolId=access_api.user_pool_id, GroupName="admins")

    # then it is the template's, and its Ref resolved to its name
    assert (group["Group"]["Description"], group["Group"]["Precedence"]) == (
        "May read the admin reports.",
        0,
    )
    assert access_api.references is not None
    assert "admins" in access_api.references.refs.values()


def test_the_served_document_describes_the_gateway_s_refusals(access_api: LocalApi) -> None:
    """``GET /openapi.json``: valid OpenAPI; the admins-only route documents 401 and 403.

    Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
    (``UNAUTHORIZED`` 401, ``ACCESS_DENIED`` 403, ``AUTHORIZER_CONFIGURATION_ERROR`` 500)
    and https://spec.openapis.org/oas/v3.0.3.
    """
    from openapi_spec_validator import validate

    # when the emulator's document is read
    document = call("GET", f"{access_api.root_url}/openapi.json").json()

    # then it validates, and says what the gateway answers in place of each route
    validate(document)
    admin = document["paths"]["/admin/reports"]["get"]["responses"]
    machine = document["paths"]["/machine/reports"]["get"]
    assert {"401", "403", "500"} <= set(admin)
    assert admin["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AccessDenied"
    }
    assert document["components"]["schemas"]["AccessDenied"]["required"] == ["Message"]
    assert "api/reports.read" in machine["description"]
    assert "403" not in machine["responses"]  # a Cognito authorizer answers 401 only


def test_the_apps_handlers_read_the_claims_with_the_readmes_lines() -> None:
    """The README's two lines that read the claims on either kind of protected route are
    the ones the access app's handlers run (both route kinds, above)."""
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    (block,) = [
        b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
        if b.startswith('authorizer = event["requestContext"]["authorizer"]')
    ]  # fmt: skip
    handlers = (root / "tests/e2e/apps/access_app/routes/routes.py").read_text(encoding="utf-8")
    for line in block.splitlines():
        code = line.split("#")[0].strip()
        assert handlers.count(code) >= 2, code
