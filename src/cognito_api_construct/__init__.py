"""cognito-api-construct: a hardened Cognito sign-up / sign-in REST API for AWS CDK.

This module is the public API and nothing else.
"""

from ._version import __version__
from .construct import CognitoApi
from .options import CustomDomain, SignUpFlow

__all__ = ["CognitoApi", "CustomDomain", "SignUpFlow", "__version__"]
