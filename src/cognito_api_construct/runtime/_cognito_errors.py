"""The errors each of Cognito's unauthenticated operations declares, as botocore models them.

Data for :mod:`.cognito_client`, which retries an HTTP 429 only when its error code is
not one the operation declares (botocore's ``ThrottlingStatusCodeChecker``): a declared
error means what the model says, whatever the status. Copied from botocore's
``cognito-idp`` service model (2016-04-18) with the ``Exception`` suffix left off;
``tests/runtime/test_cognito_client.py`` checks it against the installed botocore, so a
model update that changes it fails a test rather than drifting silently.
"""

from __future__ import annotations

from typing import Final

_DECLARED: Final[dict[str, str]] = {
    "AssociateSoftwareToken": (
        "ConcurrentModification Forbidden InternalError InvalidParameter NotAuthorized"
        " OperationNotEnabled ResourceNotFound SoftwareTokenMFANotFound"
    ),
    "ChangePassword": (
        "Forbidden InternalError InvalidParameter InvalidPassword LimitExceeded NotAuthorized"
        " OperationNotEnabled PasswordHistoryPolicyViolation PasswordResetRequired"
        " ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "CompleteWebAuthnRegistration": (
        "Forbidden InternalError InvalidParameter LimitExceeded NotAuthorized"
        " OperationNotEnabled PasswordResetRequired TooManyRequests WebAuthnChallengeNotFound"
        " WebAuthnClientMismatch WebAuthnCredentialNotSupported WebAuthnNotEnabled"
        " WebAuthnOriginNotAllowed WebAuthnRelyingPartyMismatch"
    ),
    "ConfirmDevice": (
        "DeviceKeyExists Forbidden InternalError InvalidLambdaResponse InvalidParameter"
        " InvalidPassword InvalidUserPoolConfiguration NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
        " UsernameExists"
    ),
    "ConfirmForgotPassword": (
        "CodeMismatch ExpiredCode Forbidden InternalError InvalidLambdaResponse"
        " InvalidParameter InvalidPassword LimitExceeded NotAuthorized OperationNotEnabled"
        " PasswordHistoryPolicyViolation ResourceNotFound TooManyFailedAttempts"
        " TooManyRequests UnexpectedLambda UserLambdaValidation UserNotConfirmed UserNotFound"
    ),
    "ConfirmSignUp": (
        "AliasExists CodeMismatch ExpiredCode Forbidden InternalError InvalidLambdaResponse"
        " InvalidParameter LimitExceeded NotAuthorized OperationNotEnabled ResourceNotFound"
        " TooManyFailedAttempts TooManyRequests UnexpectedLambda UserLambdaValidation"
        " UserNotFound"
    ),
    "DeleteUser": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "DeleteUserAttributes": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "DeleteWebAuthnCredential": (
        "Forbidden InternalError InvalidParameter LimitExceeded NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
    ),
    "ForgetDevice": (
        "Forbidden InternalError InvalidParameter InvalidUserPoolConfiguration NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UserNotConfirmed UserNotFound"
    ),
    "ForgotPassword": (
        "CodeDeliveryFailure Forbidden InternalError InvalidEmailRoleAccessPolicy"
        " InvalidLambdaResponse InvalidParameter InvalidSmsRoleAccessPolicy"
        " InvalidSmsRoleTrustRelationship LimitExceeded NotAuthorized OperationNotEnabled"
        " ResourceNotFound TooManyRequests UnexpectedLambda UserLambdaValidation UserNotFound"
    ),
    "GetDevice": (
        "Forbidden InternalError InvalidParameter InvalidUserPoolConfiguration NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UserNotConfirmed UserNotFound"
    ),
    "GetTokensFromRefreshToken": (
        "Forbidden InternalError InvalidLambdaResponse InvalidParameter NotAuthorized"
        " OperationNotEnabled RefreshTokenReuse ResourceNotFound TooManyRequests"
        " UnexpectedLambda UserLambdaValidation UserNotFound"
    ),
    "GetUser": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "GetUserAttributeVerificationCode": (
        "CodeDeliveryFailure Forbidden InternalError InvalidEmailRoleAccessPolicy"
        " InvalidLambdaResponse InvalidParameter InvalidSmsRoleAccessPolicy"
        " InvalidSmsRoleTrustRelationship LimitExceeded NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UnexpectedLambda"
        " UserLambdaValidation UserNotConfirmed UserNotFound"
    ),
    "GetUserAuthFactors": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "GlobalSignOut": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed"
    ),
    "InitiateAuth": (
        "FeatureUnavailableInTier Forbidden InternalError InvalidEmailRoleAccessPolicy"
        " InvalidLambdaResponse InvalidParameter InvalidSmsRoleAccessPolicy"
        " InvalidSmsRoleTrustRelationship InvalidUserPoolConfiguration NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UnexpectedLambda UnsupportedOperation UserLambdaValidation UserNotConfirmed"
        " UserNotFound"
    ),
    "ListDevices": (
        "Forbidden InternalError InvalidParameter InvalidUserPoolConfiguration NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UserNotConfirmed UserNotFound"
    ),
    "ListUserSessions": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "ListWebAuthnCredentials": (
        "Forbidden InternalError InvalidParameter LimitExceeded NotAuthorized"
        " OperationNotEnabled PasswordResetRequired TooManyRequests"
    ),
    "ResendConfirmationCode": (
        "CodeDeliveryFailure Forbidden InternalError InvalidEmailRoleAccessPolicy"
        " InvalidLambdaResponse InvalidParameter InvalidSmsRoleAccessPolicy"
        " InvalidSmsRoleTrustRelationship LimitExceeded NotAuthorized OperationNotEnabled"
        " ResourceNotFound TooManyRequests UnexpectedLambda UserLambdaValidation UserNotFound"
    ),
    "RespondToAuthChallenge": (
        "AliasExists CodeMismatch ExpiredCode Forbidden InternalError"
        " InvalidEmailRoleAccessPolicy InvalidLambdaResponse InvalidParameter InvalidPassword"
        " InvalidSmsRoleAccessPolicy InvalidSmsRoleTrustRelationship"
        " InvalidUserPoolConfiguration MFAMethodNotFound NotAuthorized OperationNotEnabled"
        " PasswordHistoryPolicyViolation PasswordResetRequired ResourceNotFound"
        " SoftwareTokenMFANotFound TooManyRequests UnexpectedLambda UserLambdaValidation"
        " UserNotConfirmed UserNotFound"
    ),
    "RevokeToken": (
        "Forbidden InternalError InvalidParameter OperationNotEnabled TooManyRequests"
        " Unauthorized UnsupportedOperation UnsupportedTokenType"
    ),
    "RevokeUserSession": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
    "SetUserMFAPreference": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound UserNotConfirmed UserNotFound"
    ),
    "SetUserSettings": (
        "Forbidden InternalError InvalidParameter NotAuthorized OperationNotEnabled"
        " PasswordResetRequired ResourceNotFound UserNotConfirmed UserNotFound"
    ),
    "SignUp": (
        "CodeDeliveryFailure Forbidden InternalError InvalidEmailRoleAccessPolicy"
        " InvalidLambdaResponse InvalidParameter InvalidPassword InvalidSmsRoleAccessPolicy"
        " InvalidSmsRoleTrustRelationship LimitExceeded NotAuthorized OperationNotEnabled"
        " ResourceNotFound TooManyRequests UnexpectedLambda UserLambdaValidation"
        " UsernameExists"
    ),
    "StartWebAuthnRegistration": (
        "Forbidden InternalError InvalidParameter LimitExceeded NotAuthorized"
        " OperationNotEnabled PasswordResetRequired TooManyRequests"
        " WebAuthnConfigurationMissing WebAuthnNotEnabled"
    ),
    "UpdateAuthEventFeedback": (
        "InternalError InvalidParameter NotAuthorized OperationNotEnabled ResourceNotFound"
        " TooManyRequests UserNotFound UserPoolAddOnNotEnabled"
    ),
    "UpdateDeviceStatus": (
        "Forbidden InternalError InvalidParameter InvalidUserPoolConfiguration NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UserNotConfirmed UserNotFound"
    ),
    "UpdateUserAttributes": (
        "AliasExists CodeDeliveryFailure CodeMismatch ExpiredCode Forbidden InternalError"
        " InvalidEmailRoleAccessPolicy InvalidLambdaResponse InvalidParameter"
        " InvalidSmsRoleAccessPolicy InvalidSmsRoleTrustRelationship NotAuthorized"
        " OperationNotEnabled PasswordResetRequired ResourceNotFound TooManyRequests"
        " UnexpectedLambda UserLambdaValidation UserNotConfirmed UserNotFound"
    ),
    "VerifySoftwareToken": (
        "CodeMismatch EnableSoftwareTokenMFA Forbidden InternalError InvalidParameter"
        " InvalidUserPoolConfiguration NotAuthorized OperationNotEnabled PasswordResetRequired"
        " ResourceNotFound SoftwareTokenMFANotFound TooManyRequests UserNotConfirmed"
        " UserNotFound"
    ),
    "VerifyUserAttribute": (
        "AliasExists CodeMismatch ExpiredCode Forbidden InternalError InvalidParameter"
        " LimitExceeded NotAuthorized OperationNotEnabled PasswordResetRequired"
        " ResourceNotFound TooManyRequests UserNotConfirmed UserNotFound"
    ),
}

#: Operation name -> the error codes it declares (``NotAuthorizedException``...).
DECLARED_ERRORS: Final[dict[str, frozenset[str]]] = {
    operation: frozenset(f"{name}Exception" for name in names.split())
    for operation, names in _DECLARED.items()
}
