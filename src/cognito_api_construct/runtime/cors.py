"""The CORS headers of every answer of the auth function, for the request's Origin.

The construct writes the ``cors`` prop into three environment variables; this module
turns them and a request's ``Origin`` into response headers. API Gateway passes a
proxy integration's headers through untouched, so without them a browser on an
allowed origin could not read a single sign-in answer. The README's snippet for the
user's own route functions computes exactly the same headers (a test keeps them equal).

Environment:
    CORS_ALLOW_ORIGINS: The allowed origins, comma-separated, or ``*`` for every origin.
        Unset or empty: no CORS header at all.
    CORS_ALLOW_CREDENTIALS: ``true`` to add ``Access-Control-Allow-Credentials``.
    CORS_EXPOSE_HEADERS: Response headers a script may read, comma-separated
        (``Retry-After``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CorsSettings:
    """The allowed origins, credentials and exposed headers of one function."""

    origins: tuple[str, ...] = ()
    allow_credentials: bool = False
    expose_headers: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> CorsSettings:
        """Read the three ``CORS_*`` variables (see the module docstring)."""
        origins = environ.get("CORS_ALLOW_ORIGINS", "")
        return cls(
            origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            allow_credentials=environ.get("CORS_ALLOW_CREDENTIALS", "").lower() == "true",
            expose_headers=environ.get("CORS_EXPOSE_HEADERS", "").strip(),
        )

    def headers_for(self, origin: str | None) -> dict[str, str]:
        """The CORS headers of an answer to a request from ``origin``.

        Args:
            origin: The request's ``Origin`` header, or None when it has none.

        Returns:
            ``Access-Control-Allow-Origin`` with the origin itself when it is allowed
            (``*`` when every origin is), with ``Access-Control-Allow-Credentials`` and
            ``Access-Control-Expose-Headers`` as configured; only ``Vary: Origin`` for an
            origin that is not allowed (so no cache serves one origin's answer to
            another); nothing when CORS is off.
        """
        if not self.origins:
            return {}
        if self.origins == ("*",):
            allowed = "*"
        elif origin and origin in self.origins:
            allowed = origin
        else:
            return {"Vary": "Origin"}
        headers = {"Access-Control-Allow-Origin": allowed}
        if allowed != "*":
            headers["Vary"] = "Origin"
        if self.allow_credentials and allowed != "*":
            headers["Access-Control-Allow-Credentials"] = "true"
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = self.expose_headers
        return headers
