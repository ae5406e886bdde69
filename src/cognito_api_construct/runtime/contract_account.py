"""The user's own account routes' declarations: ``/me`` (read, change, verify, delete).

Part of the contract (:mod:`.contract` lists them with the others). Each acts for the
signed-in user with the access token from the API's token header: Cognito checks it,
so a user reaches only their own account.
"""

from __future__ import annotations

from typing import Final

from . import schemas as s
from .errors import (
    CodeMismatchError,
    ExpiredCodeError,
    InvalidParameterError,
    InvalidTokenError,
    MissingTokenError,
    TooManyRequestsError,
    UserExistsError,
)
from .route_types import Route

__all__ = ["ACCOUNT_ROUTES"]

_ACCESS: Final = (MissingTokenError, InvalidTokenError, InvalidParameterError)

ACCOUNT_ROUTES: Final[tuple[Route, ...]] = (
    Route(
        "me",
        "me.get_me",
        s.body("GetMeRequest", {}),
        200,
        s.ME,
        _ACCESS,
        ("GetUser",),
        credential="access_token",
        method="GET",
        summary="The signed-in user: username, attributes, MFA.",
    ),
    Route(
        "me",
        "me.update_me",
        s.body("UpdateMeRequest", {"attributes": s.ATTRIBUTES}, ["attributes"]),
        200,
        s.ME_UPDATED,
        (*_ACCESS, UserExistsError, TooManyRequestsError),
        ("UpdateUserAttributes",),
        credential="access_token",
        method="PATCH",
        summary="Change the user's attributes; a new email or phone takes effect once verified.",
    ),
    Route(
        "me/verify",
        "me.verify_attribute",
        s.body(
            "VerifyAttributeRequest",
            {"attribute": s.VERIFIABLE_ATTRIBUTE, "code": s.CODE},
            ["attribute", "code"],
        ),
        200,
        s.EMPTY,
        (*_ACCESS, CodeMismatchError, ExpiredCodeError),
        ("VerifyUserAttribute",),
        credential="access_token",
        summary="Verify an email or phone number with the code sent to it.",
    ),
    Route(
        "me",
        "me.delete_me",
        s.body("DeleteMeRequest", {}),
        204,
        None,
        _ACCESS,
        ("DeleteUser",),
        credential="access_token",
        method="DELETE",
        summary="Delete the user's account (the right to erasure).",
    ),
)
