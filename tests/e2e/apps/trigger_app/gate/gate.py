"""Pre sign-up gate: only email addresses of the allowed domain may have an account.

Raising refuses the sign-up: Cognito answers the API call UserLambdaValidationException
and creates no user, which the auth function answers ``403 RequestRejected``
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
It runs for SignUp (``PreSignUp_SignUp``) and AdminCreateUser alike.
"""

import os


def handler(event, context):
    allowed = os.environ["ALLOWED_EMAIL_DOMAIN"].lower()
    email = (event["request"].get("userAttributes") or {}).get("email", "")
    if email.rpartition("@")[2].lower() != allowed:
        raise ValueError("Sign-up is limited to the allowed email domain")
    return event
