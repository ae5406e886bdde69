"""A standard-library client for Cognito's user-facing API, for the auth function's cold start.

Design note.

What it owns: the HTTP exchange with the ``cognito-idp`` endpoint for the operations that
Cognito authenticates by what the request carries (a password, a session, an access or
refresh token, a confirmation code) rather than by AWS credentials: a JSON POST to ``/``
with ``X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>``. botocore's service
model marks exactly these operations ``"authtype": "none"`` (see
:data:`UNAUTHENTICATED_OPERATIONS`), so no SigV4 signature is computed here and no AWS
credentials are read: there is nothing to sign with, and nothing to leak. Around that
exchange it reproduces what the function's boto3 client gives today (see
``handler.CLIENT_CONFIG``): the endpoint boto3 would resolve, botocore's standard-mode
retries and backoff, its error codes, and its method names, so the route functions work
unchanged with either client.

What it must not do: import boto3 or botocore (not even lazily: that import is the cold
start this module exists to avoid; a test checks ``sys.modules`` in a fresh process);
call any other operation (``AdminCreateUser`` and the rest need SigV4 and stay on boto3:
:meth:`CognitoClient.call` refuses them); log anything (request and response bodies
hold passwords, sessions and tokens; this module has no logger at all).

What differs from boto3, on purpose or by omission:

* Results are the JSON Cognito sent, decoded: timestamps stay epoch seconds (botocore
  turns them into ``datetime``), members the model does not know are kept, and there is
  no ``ResponseMetadata`` in a result.
* Parameters are not validated before sending: Cognito answers a bad value itself
  (``InvalidParameterException``...) where botocore would raise
  ``ParamValidationError`` without a request.
* An error answer without ``__type`` takes its code from the ``x-amzn-ErrorType``
  header; botocore's JSON parser ignores that header and uses the HTTP status.
* The shared config file (``~/.aws/config``: ``endpoint_url``, ``services`` sections)
  is not read, nor are proxy settings or ``AWS_CA_BUNDLE``: the Lambda runtime has none
  of them, and TLS uses the system's certificate store.

Thread safety: none. A client holds one HTTP connection and a retry quota without a lock.
Lambda runs one invocation at a time per execution environment, which is why the
handler can keep one client for the environment's life; anything multi-threaded needs a
client per thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import random as _random
import re
import select
import ssl
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from ._cognito_errors import DECLARED_ERRORS

__all__ = [
    "OPERATION_METHODS",
    "THROTTLING_ERROR_CODES",
    "TRANSIENT_ERROR_CODES",
    "UNAUTHENTICATED_OPERATIONS",
    "CognitoClient",
    "CognitoResponseError",
    "CognitoServiceError",
    "CognitoUnreachableError",
    "resolve_endpoint",
    "secret_hash",
    "worst_case_seconds",
]

#: boto3's method name -> the operation, for every operation this client may call:
#: those botocore's ``cognito-idp`` model marks ``"authtype": "none"``. The names are
#: ``botocore.xform_name`` of each operation (a test compares them).
OPERATION_METHODS: Final[Mapping[str, str]] = {
    "associate_software_token": "AssociateSoftwareToken",
    "change_password": "ChangePassword",
    "complete_web_authn_registration": "CompleteWebAuthnRegistration",
    "confirm_device": "ConfirmDevice",
    "confirm_forgot_password": "ConfirmForgotPassword",
    "confirm_sign_up": "ConfirmSignUp",
    "delete_user": "DeleteUser",
    "delete_user_attributes": "DeleteUserAttributes",
    "delete_web_authn_credential": "DeleteWebAuthnCredential",
    "forget_device": "ForgetDevice",
    "forgot_password": "ForgotPassword",
    "get_device": "GetDevice",
    "get_tokens_from_refresh_token": "GetTokensFromRefreshToken",
    "get_user": "GetUser",
    "get_user_attribute_verification_code": "GetUserAttributeVerificationCode",
    "get_user_auth_factors": "GetUserAuthFactors",
    "global_sign_out": "GlobalSignOut",
    "initiate_auth": "InitiateAuth",
    "list_devices": "ListDevices",
    "list_user_sessions": "ListUserSessions",
    "list_web_authn_credentials": "ListWebAuthnCredentials",
    "resend_confirmation_code": "ResendConfirmationCode",
    "respond_to_auth_challenge": "RespondToAuthChallenge",
    "revoke_token": "RevokeToken",
    "revoke_user_session": "RevokeUserSession",
    "set_user_mfa_preference": "SetUserMFAPreference",
    "set_user_settings": "SetUserSettings",
    "sign_up": "SignUp",
    "start_web_authn_registration": "StartWebAuthnRegistration",
    "update_auth_event_feedback": "UpdateAuthEventFeedback",
    "update_device_status": "UpdateDeviceStatus",
    "update_user_attributes": "UpdateUserAttributes",
    "verify_software_token": "VerifySoftwareToken",
    "verify_user_attribute": "VerifyUserAttribute",
}

#: The operations Cognito serves without a SigV4 signature; all others are refused.
UNAUTHENTICATED_OPERATIONS: Final = frozenset(OPERATION_METHODS.values())

_TARGET_PREFIX: Final = "AWSCognitoIdentityProviderService"
_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
_USER_AGENT: Final = (
    f"cognito-api-construct-runtime Python/{sys.version_info[0]}.{sys.version_info[1]}"
    " md/http.client"
)

# Retries: botocore/retries/standard.py (botocore 1.44), standard mode ----------------
#: ``TransientRetryableChecker._TRANSIENT_ERROR_CODES``.
TRANSIENT_ERROR_CODES: Final = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
#: ``TransientRetryableChecker._TRANSIENT_STATUS_CODES``.
_TRANSIENT_STATUSES: Final = frozenset({500, 502, 503, 504})
#: ``ThrottledRetryableChecker._THROTTLED_ERROR_CODES``.
THROTTLING_ERROR_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
#: ``ThrottlingStatusCodeChecker._THROTTLING_STATUS_CODES``.
_THROTTLING_STATUSES: Final = frozenset({429})
#: ``ExponentialBackoff``: base scales (throttling, other), cap, and the most an
#: ``x-amz-retry-after`` header may add.
_THROTTLING_BASE_SCALE: Final = 1.0
_TRANSIENT_BASE_SCALE: Final = 0.05
_MAX_BACKOFF: Final = 20.0
_RETRY_AFTER_MAX_ADDITIONAL: Final = 5.0
#: ``RetryQuotaChecker`` and ``quota.RetryQuota``: a retry costs capacity, a success
#: gives some back.
_QUOTA_CAPACITY: Final = 500
_RETRY_COST: Final = 14
_THROTTLING_RETRY_COST: Final = 5
_NO_RETRY_INCREMENT: Final = 1


class CognitoServiceError(Exception):
    """Cognito answered with an error status (botocore: status 301 and above).

    Shaped like ``botocore.exceptions.ClientError`` where the runtime reads one:
    ``response["Error"]["Code"]``, ``response["Error"]["Message"]``,
    ``response["ResponseMetadata"]`` and ``operation_name``.

    Attributes:
        code: The error code: ``NotAuthorizedException``...
        message: Cognito's text (may name internals: never shown to callers).
        operation: The operation, e.g. ``InitiateAuth``; also ``operation_name``.
        status: The HTTP status.
        request_id: ``x-amzn-RequestId``, or None.
        response: ``{"Error": {"Code", "Message"}, "ResponseMetadata":
            {"HTTPStatusCode", "RequestId" (when sent), "HTTPHeaders", "RetryAttempts"}}``.
    """

    def __init__(
        self,
        operation: str,
        code: str,
        message: str,
        status: int,
        *,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        retry_attempts: int = 0,
    ) -> None:
        self.operation = self.operation_name = operation
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        metadata: dict[str, Any] = {"HTTPStatusCode": status}
        if request_id is not None:
            metadata["RequestId"] = request_id
        metadata["HTTPHeaders"] = dict(headers or {})
        metadata["RetryAttempts"] = retry_attempts
        self.response: dict[str, Any] = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": metadata,
        }
        retries = f" (reached max retries: {retry_attempts})" if retry_attempts else ""
        # botocore's ClientError text.
        context = f"An error occurred ({code}) when calling the {operation} operation{retries}"
        super().__init__(f"{context}: {message}")

    @classmethod
    def from_response(
        cls,
        operation: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        *,
        retry_attempts: int = 0,
    ) -> CognitoServiceError:
        """Build the error from an HTTP error answer, as botocore's JSON parser reads it.

        The code is the body's ``__type`` (the part after ``#`` of a shape id, before any
        ``:``), else the ``x-amzn-ErrorType`` header's, else the status as text; the
        message is the body's ``message`` or ``Message``. A 5xx with an empty or HTML
        body (a load balancer's page) gets the status's reason phrase as its message,
        as in botocore.

        Args:
            operation: The operation called.
            status: The HTTP status.
            headers: The response headers (any case).
            body: The raw body.
            retry_attempts: Retries made before this answer.

        Returns:
            The error, not raised.
        """
        lowered = {name.lower(): value for name, value in headers.items()}
        header_code = _short_code(lowered.get("x-amzn-errortype", ""))
        stripped = body.strip()
        if status >= 500 and (not stripped or stripped.startswith(b"<html>")):
            code = header_code or str(status)
            message = http.client.responses.get(status, "")
        else:
            parsed = _json_object_or_message(body)
            raw_message = parsed.get("message", parsed.get("Message", ""))
            message = raw_message if isinstance(raw_message, str) else json.dumps(raw_message)
            raw_type = parsed.get("__type")
            body_code = _short_code(raw_type) if isinstance(raw_type, str) else ""
            code = body_code or header_code or str(status)
        return cls(
            operation,
            code,
            message,
            status,
            request_id=lowered.get("x-amzn-requestid"),
            headers=lowered,
            retry_attempts=retry_attempts,
        )


class CognitoUnreachableError(Exception):
    """No answer from Cognito after the retries: refused, timed out, reset, TLS failure.

    The counterpart of botocore's ``ConnectionError`` / ``HTTPClientError``.

    Attributes:
        operation: The operation called.
        attempts: How many attempts were made.
    """

    def __init__(self, operation: str, attempts: int, cause: BaseException) -> None:
        self.operation = self.operation_name = operation
        self.attempts = attempts
        super().__init__(
            f"Cognito could not be reached for {operation} after {attempts} attempt(s): "
            f"{type(cause).__name__}: {cause}"
        )


class CognitoResponseError(Exception):
    """Cognito answered 2xx with a body that is not a JSON object (never retried)."""


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """The ``SECRET_HASH`` / ``SecretHash`` of an app client that has a secret.

    Base64 of HMAC-SHA256 keyed with the client secret over the username followed by the
    client id, all UTF-8: "Computing secret hash values" in the Amazon Cognito Developer
    Guide
    (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash),
    whose Python example is in the AWS Knowledge Center article "Unable to verify secret
    hash for client"
    (https://aws.amazon.com/premiumsupport/knowledge-center/cognito-unable-to-verify-secret-hash/).

    Args:
        username: The user's username (or alias as sent in ``USERNAME``).
        client_id: The app client id.
        client_secret: The app client secret.

    Returns:
        The base64 text to send.
    """
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


# Endpoint resolution: botocore/configprovider.py (ConfiguredEndpointProvider), args.py
# (_compute_configured_endpoint_url, compute_endpoint_resolver_builtin_defaults),
# data/cognito-idp/2016-04-18/endpoint-rule-set-1.json and data/partitions.json.
_SERVICE_ENDPOINT_VARIABLE: Final = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
#: (region pattern, dnsSuffix) of each partition, in partitions.json's order; every one
#: supports FIPS. A region that matches none is in ``aws``.
_PARTITIONS: Final = (
    (r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", "amazonaws.com"),
    (r"^cn\-\w+\-\d+$", "amazonaws.com.cn"),
    (r"^eusc\-(de)\-\w+\-\d+$", "amazonaws.eu"),
    (r"^us\-iso\-\w+\-\d+$", "c2s.ic.gov"),
    (r"^us\-isob\-\w+\-\d+$", "sc2s.sgov.gov"),
    (r"^eu\-isoe\-\w+\-\d+$", "cloud.adc-e.uk"),
    (r"^us\-isof\-\w+\-\d+$", "csp.hci.ic.gov"),
    (r"^us\-gov\-\w+\-\d+$", "amazonaws.com"),
)
#: botocore.utils.validate_region_name.
_VALID_REGION: Final = re.compile(r"^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$")


def _env_true(environ: Mapping[str, str], name: str) -> bool:
    # botocore.utils.ensure_boolean on a string.
    return environ.get(name, "").lower() == "true"


def resolve_endpoint(
    region: str | None,
    endpoint_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The ``cognito-idp`` endpoint URL, resolved as botocore resolves it.

    In order: ``endpoint_url`` when given; unless ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``
    is ``true``, a non-empty ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``, then a
    non-empty ``AWS_ENDPOINT_URL``; otherwise the region's endpoint from the service's
    endpoint rule set: ``https://cognito-idp.{region}.amazonaws.com``,
    ``...amazonaws.com.cn`` for ``cn-*`` regions, and so on per partition;
    ``cognito-idp-fips`` with ``AWS_USE_FIPS_ENDPOINT=true`` or a ``fips-`` pseudo-region
    (as in botocore, neither applies to a configured endpoint).

    Args:
        region: The AWS region (``AWS_REGION`` in Lambda); needed only when no endpoint
            is configured.
        endpoint_url: An explicit endpoint, as boto3's ``endpoint_url``.
        environ: The environment to read. Defaults to ``os.environ``.

    Returns:
        The endpoint URL.

    Raises:
        ValueError: For a missing or invalid region when one is needed, and for
            ``AWS_USE_DUALSTACK_ENDPOINT=true`` without a configured endpoint (not
            supported: botocore's answer there comes from its legacy endpoint data).
    """
    env = os.environ if environ is None else environ
    if endpoint_url is not None:
        return endpoint_url
    if not _env_true(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        configured = env.get(_SERVICE_ENDPOINT_VARIABLE) or env.get("AWS_ENDPOINT_URL")
        if configured:
            return configured
    if not region:
        raise ValueError("a region is needed to resolve Cognito's endpoint (AWS_REGION)")
    if _env_true(env, "AWS_USE_DUALSTACK_ENDPOINT"):
        # botocore mixes the rule set with its legacy endpoints.json data here, region
        # by region: not reproduced. An explicit endpoint is exact and cheap.
        raise ValueError(
            "AWS_USE_DUALSTACK_ENDPOINT is not supported by this client: set "
            f"{_SERVICE_ENDPOINT_VARIABLE} to the dual-stack endpoint instead"
        )
    # BaseClient._normalize_fips_region: "fips-us-east-1" and "us-east-1-fips" mean FIPS.
    normalized = region.replace("fips-", "").replace("-fips", "")
    fips = normalized != region or _env_true(env, "AWS_USE_FIPS_ENDPOINT")
    if not _VALID_REGION.match(normalized):
        raise ValueError(f"invalid region name: {region!r}")
    service = "cognito-idp-fips" if fips else "cognito-idp"
    return f"https://{service}.{normalized}.{_dns_suffix(normalized)}"


def _dns_suffix(region: str) -> str:
    # EndpointFunctions.aws_partition: the first partition whose pattern matches. (Its
    # region lists add only "<id>-global" names, which botocore resolves in "aws".)
    for pattern, dns_suffix in _PARTITIONS:
        if re.match(pattern, region):
            return dns_suffix
    return _PARTITIONS[0][1]


def worst_case_seconds(
    connect_timeout: float = 2.0,
    read_timeout: float = 3.0,
    total_max_attempts: int = 3,
    *,
    retry_after: bool = False,
) -> float:
    """The longest a :meth:`CognitoClient.call` can block, by botocore's arithmetic.

    Each attempt waits at most ``connect_timeout`` to connect and send and
    ``read_timeout`` for the answer; between attempts ``i`` and ``i + 1`` the backoff is
    below ``min(2 ** (i - 1), 20)`` s (the throttling scale, 1 s; other errors use
    50 ms). With the defaults: 3 x (2 + 3) + 1 + 2 = 18 s, inside the auth function's
    20 s timeout, so a stalled Cognito gets the function's own 503.

    Two caveats shared with botocore: timeouts bound each socket operation (urllib3's
    and http.client's semantics alike), so a server that trickles bytes can hold an
    attempt longer; and an ``x-amz-retry-after`` header may stretch each backoff by up
    to 5 s (``retry_after=True``: 28 s with the defaults). Cognito is not known to send
    that header; a stalled Cognito sends nothing at all.

    Args:
        connect_timeout: Seconds per connect.
        read_timeout: Seconds per read.
        total_max_attempts: Attempts, the first one included.
        retry_after: Whether to count the most ``x-amz-retry-after`` can add.

    Returns:
        The bound in seconds.
    """
    backoff = sum(
        min(_THROTTLING_BASE_SCALE * 2.0 ** (attempt - 1), _MAX_BACKOFF)
        + (_RETRY_AFTER_MAX_ADDITIONAL if retry_after else 0.0)
        for attempt in range(1, total_max_attempts)
    )
    return total_max_attempts * (connect_timeout + read_timeout) + backoff


class CognitoClient:
    """Calls Cognito's unauthenticated operations over one kept-alive HTTP connection.

    ``client.initiate_auth(AuthFlow=..., ClientId=..., AuthParameters=...)`` and the
    other boto3 method names of :data:`OPERATION_METHODS` call :meth:`call`; any other
    name is an ``AttributeError``.

    Retries follow botocore's standard mode (``botocore/retries/standard.py``) with
    ``total_max_attempts`` attempts in all: a connection failure, a timeout or a broken
    connection; HTTP 500, 502, 503 and 504; the codes of
    :data:`TRANSIENT_ERROR_CODES` and :data:`THROTTLING_ERROR_CODES`; and an HTTP 429
    whose code the operation does not declare. The wait before retry ``i`` (1-based) is
    ``random() * min(scale * 2 ** (i - 1), 20)`` seconds, ``scale`` being 1 s for a
    throttling error and 50 ms otherwise, raised to an ``x-amz-retry-after`` header
    (milliseconds) but by at most 5 s. A retry quota (500, a retry costs 14 or 5 for
    throttling, a success gives back 1 or what its retry cost) stops retrying while
    Cognito keeps failing. See :func:`worst_case_seconds` for the time budget.

    The connection is opened on the first call and kept for the next ones (and for the
    next invocations of a warm Lambda), error answers included; it is replaced after a
    connection failure or timeout, after ``Connection: close``, and when the server has
    closed it while idle (checked before each request, so no attempt is spent on it).
    The TLS context, and with it the system's certificate store (some 20 ms), is loaded
    on the first HTTPS connection, not at import. Not thread-safe (see the module's note).

    Args:
        region: The AWS region, for the endpoint (``AWS_REGION`` in Lambda).
        endpoint_url: An explicit endpoint, e.g. a local emulator's ``http://`` URL;
            otherwise resolved as :func:`resolve_endpoint` says.
        connect_timeout: Seconds to connect and send (TCP and TLS), per operation.
        read_timeout: Seconds to wait for the answer, per read.
        total_max_attempts: Attempts per call, the first one included.
        sleep: Waits between attempts (injectable for tests).
        random: The jitter's source, in [0, 1) (injectable for tests).

    Raises:
        ValueError: For an endpoint that is not an ``http://`` or ``https://`` URL with
            a host, a missing region when none is configured, or no attempts.
    """

    def __init__(
        self,
        region: str | None,
        *,
        endpoint_url: str | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 3.0,
        total_max_attempts: int = 3,
        sleep: Callable[[float], object] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if total_max_attempts < 1:
            raise ValueError("total_max_attempts counts the first attempt: at least 1")
        self.region = region
        self.endpoint_url = resolve_endpoint(region, endpoint_url)
        parts = urlsplit(self.endpoint_url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"Invalid endpoint: {self.endpoint_url}")
        self._https = scheme == "https"
        self._host = parts.hostname
        self._port = parts.port  # ValueError for a port that is not a number
        # botocore.awsrequest._urljoin with the operations' requestUri "/".
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_max_attempts = total_max_attempts
        self._sleep = sleep
        self._random = random
        self._connection: http.client.HTTPConnection | None = None
        self._ssl_context: ssl.SSLContext | None = None
        self._quota = _RetryQuota()

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        operation = OPERATION_METHODS.get(name)
        if operation is None:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r} (it calls only "
                "Cognito's unauthenticated operations; the others need boto3)"
            )

        def method(*args: object, **params: Any) -> dict[str, Any]:
            if args:
                raise TypeError(f"{name}() only accepts keyword arguments.")
            return self.call(operation, params)

        method.__name__ = method.__qualname__ = name
        return method

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *OPERATION_METHODS})

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call an operation with its parameters, retrying as botocore would.

        Args:
            operation: The operation's name, e.g. ``"InitiateAuth"``.
            params: Its parameters, named as in the API (``ClientId``...).

        Returns:
            The decoded JSON answer; ``{}`` for an empty body.

        Raises:
            ValueError: For an operation that needs SigV4 (anything not in
                :data:`UNAUTHENTICATED_OPERATIONS`).
            CognitoServiceError: For an error answer, once retries are over.
            CognitoUnreachableError: When no answer came, once retries are over.
            CognitoResponseError: For a 2xx answer that is not a JSON object.
        """
        if operation not in UNAUTHENTICATED_OPERATIONS:
            raise ValueError(
                f"{operation!r} is not one of Cognito's unauthenticated operations: "
                "it needs a SigV4 signature, so call it through boto3"
            )
        body = json.dumps(dict(params)).encode("utf-8")
        headers = {
            "Content-Type": _CONTENT_TYPE,
            "X-Amz-Target": f"{_TARGET_PREFIX}.{operation}",
            "User-Agent": _USER_AGENT,
        }
        acquired: int | None = None
        attempt = 0
        while True:
            attempt += 1
            try:
                status, answer_headers, data = self._exchange(body, headers)
            except (OSError, http.client.HTTPException) as failure:
                # Refused, reset, timed out, TLS, closed mid-answer: botocore's
                # ConnectionError and HTTPClientError, all transient.
                self.close()
                if not self._may_retry(attempt, throttling=False):
                    raise CognitoUnreachableError(operation, attempt, failure) from failure
                acquired = _RETRY_COST
                self._sleep(self._delay(attempt, throttling=False, retry_after=None))
                continue
            if 200 <= status < 300:
                self._quota.release(_NO_RETRY_INCREMENT if acquired is None else acquired)
                return _decode_result(data)
            error = CognitoServiceError.from_response(
                operation, status, answer_headers, data, retry_attempts=attempt - 1
            )
            retryable, throttling = _classify(operation, status, error.code)
            if not retryable or not self._may_retry(attempt, throttling):
                raise error
            acquired = _THROTTLING_RETRY_COST if throttling else _RETRY_COST
            retry_after = answer_headers.get("x-amz-retry-after")
            self._sleep(self._delay(attempt, throttling, retry_after))

    def close(self) -> None:
        """Close the connection, if open; the next call opens a new one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    # Internals ---------------------------------------------------------------------
    def _may_retry(self, attempt: int, throttling: bool) -> bool:
        # MaxAttemptsChecker, then RetryQuotaChecker.acquire_retry_quota.
        if attempt >= self.total_max_attempts:
            return False
        return self._quota.acquire(_THROTTLING_RETRY_COST if throttling else _RETRY_COST)

    def _delay(self, attempt: int, throttling: bool, retry_after: str | None) -> float:
        # ExponentialBackoff.delay_amount; attempt is the 1-based attempt that failed.
        scale = _THROTTLING_BASE_SCALE if throttling else _TRANSIENT_BASE_SCALE
        delay = self._random() * min(scale * 2.0 ** (attempt - 1), _MAX_BACKOFF)
        header = _retry_after_seconds(retry_after)
        if header is not None:
            return max(delay, min(header, _RETRY_AFTER_MAX_ADDITIONAL + delay))
        return delay

    def _exchange(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any, bytes]:
        """One request and its whole answer: (status, headers, body)."""
        connection = self._open_connection()
        # As urllib3 does: connect and send under the connect timeout, read under the
        # read timeout (each bounds one socket operation).
        if connection.sock is None:
            connection.connect()
        else:
            connection.sock.settimeout(self.connect_timeout)
        connection.request("POST", self._path, body=body, headers=dict(headers))
        if connection.sock is not None:
            connection.sock.settimeout(self.read_timeout)
        response = connection.getresponse()
        data = response.read()  # all of it, or the connection cannot be reused
        if response.will_close:
            self.close()
        return response.status, response.headers, data

    def _open_connection(self) -> http.client.HTTPConnection:
        connection = self._connection
        if connection is not None and (connection.sock is None or _closed_by_peer(connection)):
            # Idle keep-alive connections get closed by the server: find out before
            # sending rather than spend an attempt on it (urllib3's is_connection_dropped).
            self.close()
            connection = None
        if connection is None:
            connection = self._new_connection()
            self._connection = connection
        return connection

    def _new_connection(self) -> http.client.HTTPConnection:
        if not self._https:
            return http.client.HTTPConnection(self._host, self._port, timeout=self.connect_timeout)
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return http.client.HTTPSConnection(
            self._host, self._port, timeout=self.connect_timeout, context=self._ssl_context
        )


class _RetryQuota:
    """botocore.retries.quota.RetryQuota, for one client (no lock: see the module)."""

    def __init__(self, capacity: int = _QUOTA_CAPACITY) -> None:
        self._max = capacity
        self.available = capacity

    def acquire(self, amount: int) -> bool:
        if amount > self.available:
            return False
        self.available -= amount
        return True

    def release(self, amount: int) -> None:
        self.available += min(self._max - self.available, amount)


def _classify(operation: str, status: int, code: str) -> tuple[bool, bool]:
    """(retryable, throttling) for an error answer, as botocore's standard mode says.

    Retryable (StandardRetryConditions, less the attempt cap): transient
    (TransientRetryableChecker: a transient code or status) or throttling. Throttling
    (ThrottlingErrorDetector, which also picks the backoff scale and the quota cost): a
    throttling code (ThrottledRetryableChecker), or a 429 whose code the operation does
    not declare (ThrottlingStatusCodeChecker). No cognito-idp error is modeled as
    retryable, so ModeledRetryableChecker never applies; retries/special.py is for sts
    and dynamodb only.
    """
    throttling = code in THROTTLING_ERROR_CODES or (
        status in _THROTTLING_STATUSES and code not in DECLARED_ERRORS.get(operation, ())
    )
    transient = code in TRANSIENT_ERROR_CODES or status in _TRANSIENT_STATUSES
    return transient or throttling, throttling


def _retry_after_seconds(value: str | None) -> float | None:
    # ExponentialBackoff._get_retry_after_delay: integer milliseconds, else ignored.
    if value is None:
        return None
    try:
        seconds = int(value) / 1000.0
    except (ValueError, OverflowError):
        return None
    return seconds if seconds >= 0 else None


def _short_code(raw: str) -> str:
    # "com.amazonaws.cognito#NotAuthorizedException:http://..." -> NotAuthorizedException
    return raw.split(":", 1)[0].rsplit("#", 1)[-1]


def _json_object_or_message(body: bytes) -> dict[str, Any]:
    # BaseJSONParser._parse_body_as_json: empty -> {}, not JSON -> {"message": text}.
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"message": text}
    return parsed if isinstance(parsed, dict) else {"message": text}


def _decode_result(data: bytes) -> dict[str, Any]:
    if not data.strip():
        return {}
    try:
        decoded = json.loads(data)
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict):
        # The body is not echoed: a broken answer could still hold a token.
        raise CognitoResponseError("Cognito answered 2xx with a body that is not a JSON object")
    return decoded


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    # An idle connection has nothing to read: readable means the peer closed it (or
    # sent something unasked, which makes it unusable just the same).
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
