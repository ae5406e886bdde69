"""The sign-in lockout: after five wrong passwords, a lockout that doubles with each more.

https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
"After five failed sign-in attempts with a user's password ... Amazon Cognito locks out
your user for one second. The lockout duration then doubles after each additional one
failed attempt, up to a maximum of approximately 15 minutes." For n failures the
lockout is 2^(n-5) seconds; attempts during a lockout answer "Password attempts
exceeded" and do not count; a successful sign-in, or 15 minutes without an attempt
after a lockout, starts the count again. Only wrong passwords at sign-in count (not
ChangePassword's, nor MFA codes).
"""

from __future__ import annotations

import time
from typing import Final

from moto.cognitoidp.models import CognitoIdpUser

from .errors import CognitoError
from .state import STATE, Lockout

__all__ = ["check", "failed", "succeeded"]

#: Wrong passwords before the first lockout.
THRESHOLD: Final = 5
#: The longest lockout ("approximately 15 minutes").
LONGEST_SECONDS: Final = 15 * 60
#: Quiet time after a lockout that starts the count again.
QUIET_SECONDS: Final = 15 * 60
EXCEEDED: Final = "Password attempts exceeded"


def check(user: CognitoIdpUser) -> None:
    """Refuse a sign-in attempt while the user is locked out.

    Raises:
        CognitoError: NotAuthorizedException "Password attempts exceeded".
    """
    record = STATE.lockouts.get(user.id)
    if record is None:
        return
    now = time.time()
    if record.failures >= THRESHOLD and now - record.last_attempt >= QUIET_SECONDS:
        del STATE.lockouts[user.id]
        return
    if now < record.locked_until:
        record.last_attempt = now
        raise CognitoError.not_authorized(EXCEEDED)


def failed(user: CognitoIdpUser) -> None:
    """Count a wrong password; from the fifth on, lock the user out 2^(n-5) seconds."""
    now = time.time()
    record = STATE.lockouts.setdefault(user.id, Lockout())
    record.failures += 1
    record.last_attempt = now
    if record.failures >= THRESHOLD:
        exponent = min(record.failures - THRESHOLD, 10)  # 2^10 s is past the longest
        record.locked_until = now + min(2**exponent, LONGEST_SECONDS)


def succeeded(user: CognitoIdpUser) -> None:
    """The right password: the count starts again."""
    STATE.lockouts.pop(user.id, None)
