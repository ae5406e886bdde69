"""``CognitoApi``: wires the user pool, the REST API, the auth routes and the guard.

Thin on purpose: it validates the props, then calls one private builder per concern
(``_user_pool``, ``_rest_api``, ``_auth_endpoints``, ``_route_guard``) and exposes
what they build as attributes.
"""

from __future__ import annotations

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ._access import (
    GroupsGate,
    MachineClients,
    check_machine_props,
)
from ._auth_endpoints import (
    ASSET_DIR,
    ASSET_EXCLUDE,
    add_auth_routes,
    auth_method_paths,
    build_auth_function,
)
from ._problems import Problems
from ._rest_api import build_custom_domain, build_rest_api
from ._route_guard import RouteGuard
from ._route_methods import RouteMethods
from ._user_pool import build_user_pool, build_user_pool_client
from ._validation import check_props
from ._waf import WebAclChoice, build_web_acl
from .options import (
    DEFAULT_REMOVAL_POLICY,
    DEFAULT_STAGE_NAME,
    DEFAULT_TOKEN_HEADER,
    CustomDomain,
    PoolSettings,
    SignUpFlow,
)
from .runtime.contract import routes_for


class CognitoApi(RouteMethods, Construct):
    """A hardened Cognito sign-up / sign-in REST API with one-line protected routes.

    It creates (or imports) a user pool and one app client, a REST API with a Cognito
    authorizer, and one auth Lambda behind the auth routes: ``POST /signup``,
    ``/auth``, ``/login``, ``/challenge``, ``/refresh``, ``/signout``,
    ``/password/forgot|confirm|change``, ``/mfa/setup|verify`` (and, with
    ``SignUpFlow.SELF_SERVICE``, ``/signup/confirm|resend``). Synthesis fails if any
    method of the API is left unauthenticated without ``add_public_route``.

    Example::

        auth = CognitoApi(self, "Auth",
            mfa=cognito.Mfa.REQUIRED,
            token_header="Auth")
        auth.add_protected_route("reports", reports_fn, methods=["GET", "POST"])

    Args:
        scope: The parent construct.
        id: The construct id.
        user_pool: An existing user pool to use. Defaults to a new user pool; with an
            existing one, every pool-level prop below (password_policy to
            deletion_protection) is refused.
        password_policy: Password rules; fields left out keep the defaults. Defaults to
            at least 12 characters with lower case, upper case, digits and symbols, and
            temporary passwords valid for 7 days.
        mfa: Whether users need a second factor. Defaults to ``Mfa.OPTIONAL``.
        mfa_second_factor: The allowed second factors. Defaults to TOTP only
            (``otp=True, sms=False``). Refused with ``mfa=Mfa.OFF``.
        mfa_message: The SMS text carrying the MFA code; needs SMS as a second factor.
            Defaults to Cognito's message.
        sms_role: The role Cognito uses to send SMS. Defaults to a role aws-cdk-lib
            creates when SMS is used, none otherwise.
        lambda_triggers: Cognito Lambda triggers (any of them). Defaults to no triggers.
        user_invitation: Invitation email/SMS of admin-created users. Defaults to
            Cognito's messages (``POST /signup`` suppresses the invitation anyway).
        user_verification: Verification email/SMS. Defaults to Cognito's code message.
        feature_plan: The Cognito feature plan. Defaults to ``FeaturePlan.LITE``, the
            cheapest, which has everything this construct uses; choose ``PLUS`` for
            threat protection, ``ESSENTIALS`` for email MFA.
        removal_policy: What happens to the user pool when the stack deletes it.
            Defaults to ``RemovalPolicy.RETAIN``.
        deletion_protection: Cognito's own guard against deleting the pool. Defaults to
            true when the removal policy is ``RETAIN``, false otherwise (so ``DESTROY``
            really destroys).
        sign_in_policy: The first factors users may sign in with
            (``allowed_first_auth_factors``: password, email_otp, sms_otp, passkey). Any
            factor but the password adds ``POST /auth/start`` (choice-based sign-in) and
            needs the ESSENTIALS or PLUS feature plan; passkeys add the ``/passkeys``
            routes. The password cannot be turned off. Defaults to the password only.
        passkey_relying_party_id: The passkeys' relying party: the domain of the web app
            that creates and uses them (e.g. ``"example.com"``). Defaults to ``domain``'s
            name; needed when passkeys are a first factor.
        passkey_user_verification: Whether authenticators must verify the user (PIN,
            biometrics). Defaults to Cognito's, ``PREFERRED``.
        access_token_validity: Access token lifetime, 5 minutes to 1 day. Defaults to
            60 minutes (sign-out does not revoke it at the gateway: keep it short).
        id_token_validity: ID token lifetime, 5 minutes to 1 day. Defaults to 60 minutes.
        refresh_token_validity: Refresh token lifetime, 60 minutes to 10 years and longer
            than the other two. Defaults to 30 days.
        sign_up_flow: How users come in. Defaults to ``SignUpFlow.ADMIN_CREATE``
            (``POST /signup`` with a temporary password); ``SELF_SERVICE`` turns on
            Cognito self sign-up with an emailed code and adds ``/signup/confirm`` and
            ``/signup/resend``. With an existing ``user_pool``, enable self sign-up on
            it yourself.
        token_header: The header the authorizer reads the ID token from, and the auth
            routes read the access token from (``/signout``, ``/password/change``,
            the signed-in ``/mfa`` routes). Defaults to ``"Authorization"``.
        step_up_window: How recent a signed-in user's sign-in must be (its ``auth_time``,
            which refreshing keeps) for ``/mfa/setup`` and ``/mfa/verify`` with the access
            token to change their second factor; older answers 403
            ``RecentSignInRequired``. 1 minute to 1 hour. Defaults to 5 minutes.
        totp_issuer: The issuer authenticator apps show next to the codes (the
            ``otpauth://`` URI of ``POST /mfa/setup``), 1-64 characters without ':'.
            Defaults to the stack name.
        domain: A custom domain (name, ACM certificate, optional Route 53 zone for an A
            alias record). Defaults to the execute-api URL only.
        cors: CORS for browsers. When set, every resource answers preflights (the
            token header allowed), and every answer carries the CORS headers for an
            allowed origin: the auth function's (it echoes the request's Origin when
            allowed), API Gateway's own 4XX/5XX (authorizer 401 included), and your
            route functions' once they add them (the construct gives each
            ``lambda.Function`` of ``add_protected_route`` / ``add_public_route`` the
            ``CORS_ALLOW_ORIGINS``, ``CORS_ALLOW_CREDENTIALS`` and
            ``CORS_EXPOSE_HEADERS`` variables; see the README). With several origins
            a WAF web ACL (``origin_check``) refuses requests from any other origin.
            ``Cors.ALL_ORIGINS`` with ``allow_credentials`` is refused. Defaults to no
            CORS.
        auth_throttle: Rate and burst of each auth method; a field left out keeps its
            default. Defaults to 20 requests/s with a burst of 40 per method, below
            Cognito's default quotas (120/s sign-in shared by /auth, /login and
            /challenge; 50/s user creation for /signup).
        stage_throttle: Rate and burst of every other method of the stage (your routes,
            unless a route sets ``throttle=``). Defaults to 100 requests/s with a burst of
            200 (API Gateway's account default is 10,000/s shared by every API in the
            region).
        auth_reserved_concurrency: Lambda concurrency reserved for the auth function,
            so slow routes of yours cannot take the account's concurrency and stop
            sign-in; it is also the most the auth function runs at once. Reserving
            needs the account's unreserved concurrency to stay at 100 or more (limit
            minus every reservation), so deploys fail in accounts with a low limit
            (new accounts often have 10). Defaults to None (no reservation).
        web_acl: An AWS WAF web ACL (a ``wafv2.CfnWebACL``, or its ARN) to associate
            with the API's stage and the user pool. A ``CfnWebACL`` also gets the origin
            check rule when ``cors`` allows several origins. Defaults to none.
        waf: Create and associate the construct's web ACL: AWS's managed common and
            known-bad-inputs rule groups, a limit of 300 requests per 5 minutes per IP
            address on the auth routes, and the origin check when ``cors`` needs it.
            WAF is billed per web ACL, rule and request. Defaults to false.
        stage_name: The deployed stage. Defaults to ``"prod"``.
        log_removal_policy: What happens to the construct's log groups (the auth
            function's and the access logs) when the stack deletes them; allowed with
            an existing pool. Defaults to ``removal_policy``'s value, else
            ``RemovalPolicy.RETAIN`` (sign-in logs are audit material).
        oauth_domain_prefix: The pool's Cognito domain prefix: its
            ``https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token`` serves
            machine clients' tokens (``add_machine_client``). Defaults to none.
        resource_server_id: The identifier of the construct's resource server, the
            prefix of machine clients' scopes. Defaults to ``"api"``.
        cloud_watch_role: Whether to create the account-wide API Gateway CloudWatch role
            (``AWS::ApiGateway::Account``, one per account and region). Stage access and
            execution logging need that role at deploy time: leave false when the
            account already has it (most do, and two stacks owning the singleton
            fight), pass true in a fresh account. Defaults to false.

    Attributes:
        user_pool: The user pool, given or created (construct id ``UserPool``).
        user_pool_client: The one app client (``UserPoolClient``).
        rest_api: The REST API (``Api``); its stage is ``rest_api.deployment_stage``.
        authorizer: The Cognito authorizer (``Authorizer``), created on first use.
        auth_function: The auth Lambda (``AuthFunction``).
        auth_methods: The auth routes' methods by name (``"signup"``, ``"auth"``, ...).
        custom_domain: The API Gateway domain name (``Domain``) when ``domain`` is set.
        origin_check: The WAF web ACL that refuses other origins when ``cors`` allows
            several (``OriginCheck``, or ``WebAcl`` with ``waf=True``, or yours); None
            otherwise.
        oauth_domain: The Cognito domain (``OAuthDomain``) with ``oauth_domain_prefix``.
        token_url: Machine clients' token endpoint, with ``oauth_domain_prefix``.
        web_acl: The web ACL associated with the stage and the pool (``WebAcl`` with
            ``waf=True``, or the ``CfnWebACL`` given); None otherwise.
        url: The base URL, ending in "/": the custom domain's when set.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        user_pool: cognito.IUserPool | None = None,
        password_policy: cognito.PasswordPolicy | None = None,
        mfa: cognito.Mfa | None = None,
        mfa_second_factor: cognito.MfaSecondFactor | None = None,
        mfa_message: str | None = None,
        sms_role: iam.IRole | None = None,
        lambda_triggers: cognito.UserPoolTriggers | None = None,
        user_invitation: cognito.UserInvitationConfig | None = None,
        user_verification: cognito.UserVerificationConfig | None = None,
        feature_plan: cognito.FeaturePlan | None = None,
        removal_policy: RemovalPolicy | None = None,
        deletion_protection: bool | None = None,
        sign_in_policy: cognito.SignInPolicy | None = None,
        passkey_relying_party_id: str | None = None,
        passkey_user_verification: cognito.PasskeyUserVerification | None = None,
        access_token_validity: Duration | None = None,
        id_token_validity: Duration | None = None,
        refresh_token_validity: Duration | None = None,
        sign_up_flow: SignUpFlow = SignUpFlow.ADMIN_CREATE,
        token_header: str = DEFAULT_TOKEN_HEADER,
        totp_issuer: str | None = None,
        step_up_window: Duration | None = None,
        domain: CustomDomain | None = None,
        cors: apigateway.CorsOptions | None = None,
        auth_throttle: apigateway.ThrottleSettings | None = None,
        stage_throttle: apigateway.ThrottleSettings | None = None,
        auth_reserved_concurrency: int | None = None,
        web_acl: wafv2.CfnWebACL | str | None = None,
        waf: bool = False,
        stage_name: str = DEFAULT_STAGE_NAME,
        log_removal_policy: RemovalPolicy | None = None,
        cloud_watch_role: bool = False,
        oauth_domain_prefix: str | None = None,
        resource_server_id: str = "api",
    ) -> None:
        super().__init__(scope, id)
        machine_problems = Problems()
        check_machine_props(oauth_domain_prefix, resource_server_id, machine_problems)
        machine_problems.raise_if_any(self.node.path)
        pool = PoolSettings(
            password_policy=password_policy,
            mfa=mfa,
            mfa_second_factor=mfa_second_factor,
            mfa_message=mfa_message,
            sms_role=sms_role,
            lambda_triggers=lambda_triggers,
            user_invitation=user_invitation,
            user_verification=user_verification,
            feature_plan=feature_plan,
            removal_policy=removal_policy,
            deletion_protection=deletion_protection,
            sign_in_policy=sign_in_policy,
            passkey_relying_party_id=passkey_relying_party_id,
            passkey_user_verification=passkey_user_verification,
        )
        features = pool.auth_features
        if "EMAIL_OTP" in pool.first_factors and sign_up_flow is SignUpFlow.ADMIN_CREATE:
            # Cognito sends sign-in codes only to a verified email, and in this flow
            # nobody verifies one through the API.
            Annotations.of(self).add_warning_v2(
                "cognito-api-construct:EmailOtpNeedsVerifiedEmail",
                "sign_in_policy: email codes go only to verified emails, and with "
                "SignUpFlow.ADMIN_CREATE nobody verifies one through the API. Use "
                "SignUpFlow.SELF_SERVICE, or verify users' emails yourself "
                "(AdminUpdateUserAttributes email_verified=true).",
            )
        # Everything is checked, and every problem reported at once, before the first
        # resource is built.
        checked = check_props(
            self.node.path,
            pool=pool,
            existing_pool=user_pool is not None,
            token_validities=(access_token_validity, id_token_validity, refresh_token_validity),
            sign_up_flow=sign_up_flow,
            token_header=token_header,
            totp_issuer=totp_issuer,
            step_up_window=step_up_window,
            domain=domain,
            cors=cors,
            auth_throttle=auth_throttle,
            stage_throttle=stage_throttle,
            auth_reserved_concurrency=auth_reserved_concurrency,
            web_acl=WebAclChoice(web_acl, waf),
            stage_name=stage_name,
        )
        self._token_header = token_header
        self._cors = checked.cors
        log_removal = (
            log_removal_policy
            if log_removal_policy is not None
            else pool.resolved_removal_policy
            if user_pool is None
            else DEFAULT_REMOVAL_POLICY
        )

        #: The user pool: the one given, or the one this construct created.
        self.user_pool: cognito.IUserPool = (
            user_pool
            if user_pool is not None
            else build_user_pool(
                self,
                pool,
                sign_up_flow,
                relying_party_id=passkey_relying_party_id
                or (domain.domain_name if domain is not None else None),
            )
        )
        self._stage_throttle = checked.stage_throttle
        #: The one app client the auth routes sign in with.
        self.user_pool_client: cognito.UserPoolClient = build_user_pool_client(
            self,
            self.user_pool,
            access_token_validity=checked.access_token_validity,
            id_token_validity=checked.id_token_validity,
            refresh_token_validity=checked.refresh_token_validity,
            choice_based=bool(features),
        )
        #: The REST API; add routes with add_protected_route / add_public_route.
        self.rest_api: apigateway.RestApi = build_rest_api(
            self,
            stage_name=stage_name,
            cloud_watch_role=cloud_watch_role,
            cors=self._cors,
            stage_throttle=checked.stage_throttle,
            method_throttles=dict.fromkeys(
                auth_method_paths(sign_up_flow, features), checked.throttle
            ),
            log_removal_policy=log_removal,
        )
        self._guard = RouteGuard(self.rest_api, self.node.path)
        self.node.add_validation(self._guard)
        #: The auth Lambda behind every auth route.
        self.auth_function: lambda_.Function = build_auth_function(
            self,
            user_pool=self.user_pool,
            user_pool_client=self.user_pool_client,
            sign_up_flow=sign_up_flow,
            token_header=token_header,
            totp_issuer=Stack.of(self).stack_name if totp_issuer is None else totp_issuer,
            log_removal_policy=log_removal,
            cors=self._cors,
            reserved_concurrency=auth_reserved_concurrency,
            step_up_seconds=checked.step_up_seconds,
            features=features,
        )
        #: The auth methods by route path ("signup", "auth", "password/forgot"...).
        self.auth_methods: dict[str, apigateway.Method] = add_auth_routes(
            self, self.rest_api, self.auth_function, self._guard, sign_up_flow, features
        )
        #: The custom domain, when ``domain`` was given.
        self.custom_domain: apigateway.DomainName | None = (
            None if domain is None else build_custom_domain(self, self.rest_api, domain)
        )
        #: The API's base URL (ends with "/"): the custom domain's when given.
        self.url: str = self.rest_api.url if domain is None else f"https://{domain.domain_name}/"
        self._authorizer: apigateway.CognitoUserPoolsAuthorizer | None = None
        origins = self._cors.origins if self._cors is not None else ()
        acl = build_web_acl(
            self,
            self.rest_api,
            self.user_pool,
            choice=checked.web_acl,
            origins=origins if self._cors is not None and self._cors.needs_origin_check else (),
            auth_paths=[route.path for route in routes_for(sign_up_flow.value, features)],
        )
        #: The web ACL refusing other origins, when ``cors`` allows several.
        self.origin_check: wafv2.CfnWebACL | None = (
            acl if self._cors is not None and self._cors.needs_origin_check else None
        )
        #: Machine clients (client credentials) and the Cognito domain serving their tokens.
        self._machines = MachineClients(
            self, self.user_pool, oauth_domain_prefix, resource_server_id
        )
        #: The Cognito domain (``OAuthDomain``) when ``oauth_domain_prefix`` is set.
        self.oauth_domain: cognito.UserPoolDomain | None = self._machines.domain
        #: The token endpoint of machine clients, when ``oauth_domain_prefix`` is set.
        self.token_url: str | None = self._machines.token_url
        self._groups = GroupsGate(
            self,
            user_pool=self.user_pool,
            client=self.user_pool_client,
            token_header=token_header,
            log_removal_policy=log_removal,
            code=lambda_.Code.from_asset(str(ASSET_DIR), exclude=list(ASSET_EXCLUDE)),
        )
        #: The web ACL of the stage and the pool: the managed one, or yours.
        self.web_acl: wafv2.CfnWebACL | None = (
            acl if waf or isinstance(web_acl, wafv2.CfnWebACL) else None
        )
