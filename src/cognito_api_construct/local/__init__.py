"""The local emulator: the synthesized app served on 127.0.0.1 with an embedded Cognito.

Parts, one module each (routing, translation and state apart, as in moto):
``assembly``/``apimodel`` read the cloud assembly; ``synth`` runs the app without the
cdk CLI; ``services`` runs the embedded AWS services (moto, with ``cognito``, the
Cognito front that gives it Cognito's semantics) and creates the stack's pools, clients
and secrets; ``oauth`` the resource servers and domains, and forwards the token
endpoint (client credentials); ``resolve`` evaluates intrinsic functions; ``workers``
runs the Lambdas and ``invoker`` lets the user pools run their triggers in them;
``authorizer`` checks tokens; ``validation``, ``events``, ``gateway_responses``,
``waf``, ``gateway`` and ``gateway_server`` play API Gateway over ``http`` (werkzeug);
``api`` wires them as ``LocalApi``; ``cli`` is the ``cognito-api-local`` command. The
runtime is reached only through the template (its asset directory), never imported from
here. Needs the ``local`` extra. ``LocalApi`` is imported on first use, so the services' process
(``python -m cognito_api_construct.local.cognito``) loads none of the gateway.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import LocalApi, LocalApiError

__all__ = ["LocalApi", "LocalApiError"]


def __getattr__(name: str) -> Any:
    """Import ``LocalApi`` and ``LocalApiError`` on first access."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(".api", __name__), name)
    globals()[name] = value
    return value
