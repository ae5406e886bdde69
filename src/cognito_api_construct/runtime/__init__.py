"""The auth Lambda's code, shipped in the wheel and used as the Lambda asset.

It owns the HTTP contract of the auth routes (``/signup``, ``/auth``, ``/login``,
``/challenge``, ``/refresh``, ``/signout``, ``/password/*``, ``/mfa/*`` and, in the
self-service flow, ``/signup/confirm`` and ``/signup/resend``) and talks to Cognito.
Standard library + boto3 only, because it runs in the Lambda Python runtime where
aws_cdk does not exist: nothing here may import from the construct side of the
package. Modules import each other relatively so the same files work as
``cognito_api_construct.runtime`` in tests and as ``runtime`` in the deployed asset.
"""
