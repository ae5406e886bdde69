"""The local emulator: the synthesized app served on 127.0.0.1 with an embedded Cognito.

Parts, one module each (routing, translation and state apart, as in moto):
``assembly``/``apimodel`` read the cloud assembly; ``synth`` runs the app without the
cdk CLI; ``services`` runs moto and creates the stack's pools, clients and secrets;
``resolve`` evaluates intrinsic functions; ``workers`` runs the Lambdas;
``authorizer`` checks tokens; ``validation``, ``events``, ``gateway_responses`` and
``gateway`` play API Gateway; ``api`` wires them as ``LocalApi``; ``cli`` is the
``cognito-api-local`` command. The runtime is reached only through the template (its
asset directory), never imported from here. Needs the ``local`` extra.
"""

from .api import LocalApi, LocalApiError

__all__ = ["LocalApi", "LocalApiError"]
