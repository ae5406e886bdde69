"""moto's pools, clients and users, looked up and read as Cognito reads them.

moto keeps the objects; this module finds them the way Cognito does (a username is
matched case-insensitively when the pool says so; an app client names its pool) and
reads their settings with Cognito's defaults. It holds the one lock of the Cognito
front: moto's objects are plain Python data shared by every request thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
    cognitoidp_backends,
)

from .errors import CognitoError

__all__ = ["DEFAULT_RELYING_PARTY", "LOCK", "App", "Pool", "find_client", "find_pool"]

#: Held while a request reads or changes state; released while a trigger runs, so a
#: trigger may itself call the user pool (an admin call from PostConfirmation...).
LOCK = threading.Lock()

_TOKEN_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
#: Cognito's defaults for an app client that states no validity.
_DEFAULT_VALIDITY = {"AccessToken": 3600, "IdToken": 3600, "RefreshToken": 30 * 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
#: The passkeys' relying party of a pool that names none: what a browser on
#: http://localhost (the emulator's pages, any port) may register and use passkeys for.
DEFAULT_RELYING_PARTY: Final = "localhost"


def _backends() -> Iterator[CognitoIdpBackend]:
    for regions in cognitoidp_backends.values():
        for region, backend in regions.items():
            if region != "global":
                yield backend


@dataclass(frozen=True)
class Pool:
    """A user pool, with the settings the front reads."""

    model: CognitoIdpUserPool

    @property
    def id(self) -> str:
        """The pool id."""
        return str(self.model.id)

    @property
    def region(self) -> str:
        """The pool's region."""
        return str(self.model.region)

    @property
    def config(self) -> Mapping[str, Any]:
        """The pool's settings as CreateUserPool received them (moto keeps them whole)."""
        config: Mapping[str, Any] = self.model.extended_config
        return config

    @property
    def case_sensitive(self) -> bool:
        """``UsernameConfiguration.CaseSensitive``: Cognito's API default is true."""
        return bool(self.config.get("UsernameConfiguration", {}).get("CaseSensitive", True))

    @property
    def password_policy(self) -> Mapping[str, Any]:
        """``Policies.PasswordPolicy`` (moto fills Cognito's defaults in)."""
        policy: Mapping[str, Any] = self.config.get("Policies", {}).get("PasswordPolicy", {})
        return policy

    @property
    def mfa(self) -> str:
        """``OFF``, ``ON`` or ``OPTIONAL``."""
        return str(self.model.mfa_config or "OFF")

    @property
    def totp_enabled(self) -> bool:
        """Whether software-token MFA is on for the pool."""
        config = self.model.token_mfa_config or {}
        return bool(config.get("Enabled"))

    @property
    def sms_mfa_enabled(self) -> bool:
        """Whether SMS MFA is on for the pool."""
        return self.model.sms_mfa_config is not None and self.mfa != "OFF"

    @property
    def lambda_config(self) -> Mapping[str, Any]:
        """``LambdaConfig``: the trigger functions by trigger."""
        config: Mapping[str, Any] = self.config.get("LambdaConfig") or {}
        return config

    @property
    def auto_verified(self) -> tuple[str, ...]:
        """``AutoVerifiedAttributes``: where sign-up codes go, what confirming verifies."""
        return tuple(self.config.get("AutoVerifiedAttributes") or ())

    @property
    def verified_before_update(self) -> tuple[str, ...]:
        """``UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate``.

        Only auto-verified attributes count: Cognito requires them to be.
        """
        settings = self.config.get("UserAttributeUpdateSettings") or {}
        names = settings.get("AttributesRequireVerificationBeforeUpdate") or ()
        return tuple(name for name in names if name in self.auto_verified)

    def schema_attribute(self, name: str) -> tuple[bool, bool] | None:
        """``(mutable, required)`` of the attribute ``name``; None when the schema lacks it.

        Every standard attribute is in a Cognito pool's schema; moto keeps only those
        CreateUserPool named when it named any, so the others are read from its
        standard schema.
        """
        attribute = self.model.schema_attributes.get(name)
        if attribute is not None:
            return bool(attribute.mutable), bool(attribute.required)
        standard = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA.get(name)
        if standard is not None:
            return bool(standard["Mutable"]), bool(standard["Required"])
        return None

    @property
    def first_factors(self) -> tuple[str, ...]:
        """``Policies.SignInPolicy.AllowedFirstAuthFactors`` (Cognito's default: PASSWORD)."""
        policy = self.config.get("Policies", {}).get("SignInPolicy") or {}
        return tuple(policy.get("AllowedFirstAuthFactors") or ("PASSWORD",))

    @property
    def webauthn(self) -> Mapping[str, Any]:
        """``WebAuthnConfiguration`` as SetUserPoolMfaConfig set it (``mfa_config``)."""
        config: Mapping[str, Any] = self.config.get("WebAuthnConfiguration") or {}
        return config

    @property
    def relying_party(self) -> str:
        """The passkeys' relying party id: the pool's, else ``localhost`` (the emulator's)."""
        return str(self.webauthn.get("RelyingPartyId") or DEFAULT_RELYING_PARTY)

    @property
    def user_verification(self) -> str:
        """``WebAuthnConfiguration.UserVerification``: ``required`` or ``preferred`` (default)."""
        return str(self.webauthn.get("UserVerification") or "preferred")

    @property
    def temporary_password_days(self) -> int:
        """How long an admin-created user's temporary password works (0 means 7)."""
        return int(self.password_policy.get("TemporaryPasswordValidityDays") or 7)

    @property
    def domains(self) -> tuple[str, ...]:
        """The pool's domain prefixes (CreateUserPoolDomain): where its OAuth endpoints are."""
        return tuple(
            str(name)
            for backend in _backends()
            for name, domain in backend.user_pool_domains.items()
            if domain.user_pool_id == self.id
        )

    @property
    def resource_server_scopes(self) -> frozenset[str]:
        """Every ``identifier/scope`` the pool's resource servers define."""
        return frozenset(
            f"{server.identifier}/{scope['ScopeName']}"
            for server in self.model.resource_servers.values()
            for scope in server.scopes or ()
        )

    def users(self) -> Iterator[CognitoIdpUser]:
        """Every user of the pool."""
        yield from list(self.model.users.values())

    def find_user(self, username: str) -> CognitoIdpUser | None:
        """The user ``username`` names, as the pool matches names.

        Exactly, by an alias, or case-insensitively when the pool is
        (``UsernameConfiguration.CaseSensitive`` false).
        """
        found: CognitoIdpUser | None = self.model._get_user(username)
        if found is not None or self.case_sensitive:
            return found
        wanted = username.casefold()
        for user in self.users():
            if str(user.username).casefold() == wanted:
                return user
        return None

    def add_user(self, user: CognitoIdpUser) -> None:
        """Store a new user under its (case-preserved) username."""
        self.model.users[user.username] = user

    def remove_user(self, user: CognitoIdpUser) -> None:
        """Delete a user, and the user from every group."""
        for group in list(user.groups):
            group.users.discard(user)
        self.model.users.pop(user.username, None)


@dataclass(frozen=True)
class App:
    """An app client of a pool, with the settings the front reads."""

    pool: Pool
    model: CognitoIdpUserPoolClient

    @property
    def id(self) -> str:
        """The client id."""
        return str(self.model.id)

    @property
    def config(self) -> Mapping[str, Any]:
        """The client's settings."""
        config: Mapping[str, Any] = self.model.extended_config
        return config

    @property
    def secret(self) -> str | None:
        """The client secret, or None for a public client."""
        return str(self.model.secret) if self.model.generate_secret else None

    @property
    def prevents_existence_errors(self) -> bool:
        """``PreventUserExistenceErrors`` ENABLED: answers hide which users exist."""
        return self.config.get("PreventUserExistenceErrors") == "ENABLED"

    def allows(self, flow: str) -> bool:
        """Whether ``ExplicitAuthFlows`` allows ``flow`` (e.g. ``ALLOW_USER_PASSWORD_AUTH``).

        A client that lists no flow allows the defaults Cognito gives it: SRP and refresh.
        """
        flows = self.config.get("ExplicitAuthFlows")
        if not flows:
            return flow in ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
        if flow == "ALLOW_REFRESH_TOKEN_AUTH" and not any(
            str(name).startswith("ALLOW_") for name in flows
        ):
            return True  # a client of the legacy values (USER_PASSWORD_AUTH...) refreshes
        return flow in flows or flow.removeprefix("ALLOW_") in flows

    def validity(self, token: str) -> timedelta:
        """How long a token of this client lives.

        ``token`` is ``AccessToken``, ``IdToken`` or ``RefreshToken``; the value is read
        in the client's ``TokenValidityUnits`` (Cognito's defaults: 1 hour, 1 hour, 30
        days).
        """
        value = self.config.get(f"{token}Validity")
        if not value:
            return timedelta(seconds=_DEFAULT_VALIDITY[token])
        units = (self.config.get("TokenValidityUnits") or {}).get(token, _DEFAULT_UNITS[token])
        return timedelta(seconds=int(value) * _TOKEN_UNITS.get(str(units), 3600))

    @property
    def session_minutes(self) -> int:
        """``AuthSessionValidity``: minutes a sign-in session lives (3 to 15, default 3)."""
        return int(self.config.get("AuthSessionValidity") or 3)

    @property
    def revocation_enabled(self) -> bool:
        """``EnableTokenRevocation`` (on unless turned off)."""
        return self.config.get("EnableTokenRevocation", True) is not False

    def readable(self, attribute: str) -> bool:
        """Whether ``ReadAttributes`` lets tokens and GetUser show ``attribute`` (default all)."""
        readable = self.config.get("ReadAttributes")
        return not readable or attribute in readable

    def writable(self, attribute: str, *, required: bool = False) -> bool:
        """Whether ``WriteAttributes`` lets the user set ``attribute``.

        The listed attributes and the pool's required ones; without a list, every
        attribute but ``email_verified`` and ``phone_number_verified``. Developer-only
        attributes (``dev:``) never.
        """
        if attribute.startswith("dev:"):
            return False
        listed = self.config.get("WriteAttributes")
        if listed:
            return attribute in listed or required
        return attribute not in ("email_verified", "phone_number_verified")


def find_pool(pool_id: str) -> Pool:
    """The pool ``pool_id``.

    Raises:
        CognitoError: ResourceNotFoundException.
    """
    for backend in _backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return Pool(pool)
    raise CognitoError.not_found(f"User pool {pool_id}")


def find_client(client_id: str) -> App:
    """The app client ``client_id``, with its pool.

    Raises:
        CognitoError: ResourceNotFoundException.
    """
    for backend in _backends():
        for pool in backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return App(Pool(pool), client)
    raise CognitoError.not_found(f"User pool client {client_id}")


def pool_of_user_token(access_token: str) -> tuple[Pool, str, str] | None:
    """The pool, client id and username an access token moto knows was issued for."""
    for backend in _backends():
        for pool in backend.user_pools.values():
            issued = pool.access_tokens.get(access_token)
            if issued is not None:
                client_id, username = issued
                return Pool(pool), str(client_id), str(username)
    return None


def status_of(user: CognitoIdpUser) -> str:
    """The user's status as Cognito writes it (``CONFIRMED``), not as moto's enum prints."""
    return str(getattr(user.status, "value", user.status))


def attributes_of(user: CognitoIdpUser) -> dict[str, str]:
    """The user's attributes by name (``sub`` included)."""
    return {str(a["Name"]): str(a["Value"]) for a in user.attributes}
