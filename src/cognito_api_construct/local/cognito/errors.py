"""Cognito's error answers: ``{"__type", "message"}`` with HTTP 400, as the JSON protocol has them.

Messages follow what Cognito answers where its documentation or its observed answers
say (see docs/cognito.md); the auth runtime reads only the code, so a message is for
the developer reading a response.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CognitoError"]

INVALID_SESSION: Final = "Invalid session for the user."
INCORRECT_CREDENTIALS: Final = "Incorrect username or password."


class CognitoError(Exception):
    """An error Cognito answers: its ``__type`` code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @classmethod
    def not_authorized(cls, message: str = INCORRECT_CREDENTIALS) -> CognitoError:
        """NotAuthorizedException, by default for a wrong username or password."""
        return cls("NotAuthorizedException", message)

    @classmethod
    def invalid_session(cls, detail: str = "") -> CognitoError:
        """NotAuthorizedException for a session that is unknown, used, expired or not the user's.

        ``detail`` ends the message (``", session is expired."``...).
        """
        return cls("NotAuthorizedException", INVALID_SESSION[:-1] + (detail or "."))

    @classmethod
    def invalid_parameter(cls, message: str) -> CognitoError:
        """InvalidParameterException."""
        return cls("InvalidParameterException", message)

    @classmethod
    def code_mismatch(
        cls, message: str = "Invalid verification code provided, please try again."
    ) -> CognitoError:
        """CodeMismatchException."""
        return cls("CodeMismatchException", message)

    @classmethod
    def expired_code(cls) -> CognitoError:
        """ExpiredCodeException."""
        return cls("ExpiredCodeException", "Invalid code provided, please request a code again.")

    @classmethod
    def not_found(cls, what: str) -> CognitoError:
        """ResourceNotFoundException: a user pool or app client that does not exist."""
        return cls("ResourceNotFoundException", f"{what} does not exist.")

    @classmethod
    def user_not_found(cls) -> CognitoError:
        """UserNotFoundException (only where the client does not prevent it)."""
        return cls("UserNotFoundException", "User does not exist.")
