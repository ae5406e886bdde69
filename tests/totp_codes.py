"""RFC 6238 TOTP codes, computed as an authenticator app does (HMAC-SHA1, 30 s, 6 digits).

Tests type real codes, so a lax Cognito that accepted anything could not make them pass
(moto checks TOTP codes when MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30
DIGITS = 6


def totp(secret: str, at: float | None = None) -> str:
    """The code for a base32 ``secret`` at time ``at`` (now by default)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // STEP_SECONDS)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def fresh_totp(secret: str, margin: float = 3.0) -> str:
    """A code with at least ``margin`` seconds of validity left (the server allows no skew)."""
    left = STEP_SECONDS - time.time() % STEP_SECONDS
    if left < margin:
        time.sleep(left + 0.05)
    return totp(secret)


def wrong_totp(secret: str) -> str:
    """A six-digit code that is not the current one."""
    return str((int(totp(secret)) + 1) % 10**DIGITS).zfill(DIGITS)


def later_totp(secret: str) -> str:
    """The next step's code: accepted too (Cognito allows one 30-second step either
    side), and not the current one, which a code already used this step may be."""
    return totp(secret, time.time() + STEP_SECONDS)
