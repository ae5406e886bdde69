"""What Cognito keeps that moto does not: sessions, codes, secrets, pending values.

Sessions, codes, TOTP secrets, token metadata, attribute values awaiting verification,
failed sign-ins, passkeys. Plain in-memory records, changed only under ``store.LOCK``; they end
with the emulator, like moto's state. Each record is keyed by the user's ``sub`` where it
belongs to a user, so a deleted and re-created user never inherits one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "STATE",
    "CodeRecord",
    "Lockout",
    "Passkey",
    "Registration",
    "Session",
    "State",
    "totp_code",
]


@dataclass
class Session:
    """A sign-in session: whose, for which challenge, until when, and what it carries.

    Attributes:
        id: The opaque string the caller sends back.
        pool_id, client_id, username: Whom it was issued to (the username as stored).
        challenge: The challenge it answers (``NEW_PASSWORD_REQUIRED``, ``MFA_SETUP``...).
        expires_at: Epoch seconds; the client's ``AuthSessionValidity`` after issue.
        data: What the flow remembers between steps (e.g. ``"totp_verified": True``,
            the SMS code's purpose, the token-generation source).
    """

    id: str
    pool_id: str
    client_id: str
    username: str
    challenge: str
    expires_at: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class CodeRecord:
    """A code sent to a user: the code, when it stops working, the codes it replaced.

    A superseded code is answered as expired; a code never sent as a mismatch.
    """

    code: str
    expires_at: float
    purpose: str
    replaced: frozenset[str] = frozenset()


@dataclass
class RefreshRecord:
    """What a refresh token carries besides moto's (client, username, origin_jti)."""

    auth_time: int
    revoked: bool = False


@dataclass
class Lockout:
    """A user's failed sign-ins: how many count, until when they are locked out.

    Attributes:
        failures: Wrong passwords since the last reset (attempts refused for the
            lockout not counted).
        locked_until: Epoch seconds; no sign-in before.
        last_attempt: Epoch seconds of the last attempt, refused for the lockout or not.
    """

    failures: int = 0
    locked_until: float = 0.0
    last_attempt: float = 0.0


@dataclass
class Passkey:
    """A user's registered passkey (WebAuthn credential).

    Attributes:
        id: The credential id, base64url without padding (as ``credential.id``).
        public_key: The COSE public key the attestation carried.
        sign_count: The authenticator's signature counter, last seen.
        relying_party: The relying party id it was registered for.
        attachment: ``platform`` or ``cross-platform``, when the browser said.
        transports: The transports the browser reported (``internal``, ``usb``...).
        created_at: Epoch seconds.
    """

    id: str
    public_key: bytes
    sign_count: int
    relying_party: str
    attachment: str | None
    transports: tuple[str, ...]
    created_at: float


@dataclass
class Registration:
    """A StartWebAuthnRegistration awaiting its CompleteWebAuthnRegistration (one per user)."""

    challenge: bytes
    client_id: str
    relying_party: str
    expires_at: float


@dataclass
class State:
    """Every record the front keeps."""

    sessions: dict[str, Session] = field(default_factory=dict)
    #: (sub, purpose) -> the one live code; a new one replaces it.
    codes: dict[tuple[str, str], CodeRecord] = field(default_factory=dict)
    #: sub -> the verified TOTP secret; pending secrets wait in the session or here.
    totp_secrets: dict[str, str] = field(default_factory=dict)
    pending_totp: dict[str, str] = field(default_factory=dict)
    #: sub -> when the user's temporary password was set (epoch seconds).
    temporary_since: dict[str, float] = field(default_factory=dict)
    refresh: dict[str, RefreshRecord] = field(default_factory=dict)
    #: access token -> the refresh token it was issued with (RevokeToken ends both).
    issued_with: dict[str, str] = field(default_factory=dict)
    #: (sub, secret, 30-second step) -> when that code was used, so one code cannot be
    #: replayed; a new secret's codes are new codes, good in the same step.
    used_totp: dict[tuple[str, str, int], float] = field(default_factory=dict)
    #: (sub, attribute) -> the new value waiting for its code (the old one stays until).
    pending_attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: sub -> failed sign-ins (the lockout).
    lockouts: dict[str, Lockout] = field(default_factory=dict)
    #: sub -> the user's passkeys, oldest first.
    passkeys: dict[str, list[Passkey]] = field(default_factory=dict)
    #: sub -> the passkey registration started last (its challenge, single use).
    registrations: dict[str, Registration] = field(default_factory=dict)

    def new_session(
        self,
        *,
        pool_id: str,
        client_id: str,
        username: str,
        challenge: str,
        minutes: int,
        data: dict[str, Any] | None = None,
    ) -> Session:
        """Issue a session for one challenge of one user, valid ``minutes``."""
        self._expire()
        session = Session(
            id=secrets.token_urlsafe(96),
            pool_id=pool_id,
            client_id=client_id,
            username=username,
            challenge=challenge,
            expires_at=time.time() + minutes * 60,
            data=dict(data or {}),
        )
        self.sessions[session.id] = session
        return session

    def _expire(self) -> None:
        now = time.time()
        for key in [k for k, s in self.sessions.items() if s.expires_at < now - 3600]:
            del self.sessions[key]

    def forget_user(self, sub: str, pool_id: str, username: str) -> None:
        """Drop every record of a deleted user (the token records go with the tokens)."""
        self.sessions = {
            key: session
            for key, session in self.sessions.items()
            if (session.pool_id, session.username) != (pool_id, username)
        }
        self.codes = {key: code for key, code in self.codes.items() if key[0] != sub}
        self.pending_attributes = {
            key: value for key, value in self.pending_attributes.items() if key[0] != sub
        }
        self.used_totp = {key: at for key, at in self.used_totp.items() if key[0] != sub}
        self.totp_secrets.pop(sub, None)
        self.pending_totp.pop(sub, None)
        self.temporary_since.pop(sub, None)
        self.lockouts.pop(sub, None)
        self.passkeys.pop(sub, None)
        self.registrations.pop(sub, None)

    def new_code(self, sub: str, purpose: str, seconds: float, digits: int = 6) -> str:
        """A random code for ``purpose``, replacing the user's previous one."""
        code = "".join(secrets.choice("0123456789") for _ in range(digits))
        previous = self.codes.get((sub, purpose))
        replaced = previous.replaced | {previous.code} if previous else frozenset()
        self.codes[(sub, purpose)] = CodeRecord(code, time.time() + seconds, purpose, replaced)
        return code


#: The front's one state, in the services process.
STATE = State()


def new_totp_secret() -> str:
    """A TOTP secret as Cognito hands them out: 160 random bits, base32, no padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def totp_code(secret: str, step: int) -> str:
    """The RFC 6238 code of ``secret`` for the 30-second ``step`` (SHA-1, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def totp_matches(secret: str, code: str, now: float | None = None) -> int | None:
    """The step ``code`` belongs to, within one 30-second step either side, else None."""
    step = int((time.time() if now is None else now) // 30)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp_code(secret, candidate), code):
            return candidate
    return None


def totp_accepted(user: Any, secret: str | None, code: str) -> bool:
    """A code of the secret within one step either side, not used before."""
    if secret is None:
        return False
    step = totp_matches(secret, code)
    if step is None or (user.id, secret, step) in STATE.used_totp:
        return False
    STATE.used_totp[(user.id, secret, step)] = time.time()
    return True
