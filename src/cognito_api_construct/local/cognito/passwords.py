"""The user pool's password policy, applied to every password a user or admin sets.

Cognito checks it on SignUp, AdminCreateUser's temporary password,
AdminSetUserPassword, ChangePassword, ConfirmForgotPassword and the
NEW_PASSWORD_REQUIRED answer (each lists InvalidPasswordException:
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html);
the allowed symbols are those of
https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from typing import Any

from .errors import CognitoError

__all__ = ["check_password", "random_password"]

#: The special characters Cognito counts as symbols.
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def problem(password: str, policy: Mapping[str, Any]) -> str | None:
    """The first rule ``password`` breaks, in Cognito's words, or None.

    Letters and numbers count in Basic Latin only ("Uppercase Basic Latin letter":
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html).
    """
    if len(password) < int(policy.get("MinimumLength", 8)):
        return "Password not long enough"
    if policy.get("RequireLowercase") and not any(c in string.ascii_lowercase for c in password):
        return "Password must have lowercase characters"
    if policy.get("RequireUppercase") and not any(c in string.ascii_uppercase for c in password):
        return "Password must have uppercase characters"
    if policy.get("RequireNumbers") and not any(c in string.digits for c in password):
        return "Password must have numeric characters"
    if policy.get("RequireSymbols") and not any(c in SYMBOLS for c in password):
        return "Password must have symbol characters"
    return None


def check_password(password: str, policy: Mapping[str, Any], *, sign_up: bool = False) -> None:
    """Refuse a password the policy does not allow.

    Raises:
        CognitoError: InvalidPasswordException ("Password did not conform with policy: ..."
            on SignUp, "Password does not conform to policy: ..." elsewhere).
    """
    broken = problem(password, policy)
    if broken is not None:
        wording = "did not conform with" if sign_up else "does not conform to"
        raise CognitoError("InvalidPasswordException", f"Password {wording} policy: {broken}")


def random_password(policy: Mapping[str, Any]) -> str:
    """A temporary password the policy accepts (AdminCreateUser without one)."""
    length = max(int(policy.get("MinimumLength", 8)), 12)
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#%&*"]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
