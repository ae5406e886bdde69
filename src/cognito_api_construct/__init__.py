"""cognito-api-construct: a hardened Cognito sign-up / sign-in REST API for AWS CDK.

This module is the public API and nothing else. The construct side is imported on
first use, so ``cognito_api_construct.client`` and the ``cognito-api-local`` command
do not start jsii (a Node process) just to load.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._problems import CognitoApiPropsError
    from .construct import CognitoApi
    from .options import CustomDomain, SignUpFlow

__all__ = ["CognitoApi", "CognitoApiPropsError", "CustomDomain", "SignUpFlow", "__version__"]

_LAZY = {
    "CognitoApi": ".construct",
    "CognitoApiPropsError": "._problems",
    "CustomDomain": ".options",
    "SignUpFlow": ".options",
}


def __getattr__(name: str) -> Any:
    """Import the construct side on first access of one of its public names."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
