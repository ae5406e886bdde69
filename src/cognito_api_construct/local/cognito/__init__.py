"""The emulator's Cognito: moto keeps users and signs tokens; this package is Cognito.

It runs in the embedded services' process (``python -m cognito_api_construct.local.
cognito``), in front of moto's server and in the same process, so it reads and changes
moto's pools, clients and users directly. It answers the user pools API's user-facing
operations with Cognito's semantics, each rule with a test in ``tests/local`` citing the
AWS documentation it follows: sessions bound to their user and challenge, single use and
expiring; choice-based sign-in with passwords, email and SMS codes and passkeys;
per-user TOTP secrets; MFA enforced as configured; case-insensitive usernames; the
password policy on every new password; real codes delivered to an outbox; the sign-in
lockout; the app client's write permissions and verification of changed emails and
phone numbers; the Lambda triggers, invoked in the emulator's workers; tokens with the
claims a deployed pool issues, and machines' tokens from the OAuth 2.0 token endpoint
(client credentials). Other calls (the admin and management API) go to moto,
usernames matched as the pool matches them, once their members have the types the
API's model gives them.

Modules: ``errors`` (Cognito's error answers), ``store`` (moto's objects, looked up as
Cognito looks them up), ``state`` (what moto does not keep: sessions, codes, TOTP
secrets, token metadata, pending attribute values, failed sign-ins, passkeys),
``passwords``, ``messages`` (the outbox), ``triggers``, ``tokens``, ``lockout``,
``protocol`` (a request read and type-checked as Cognito reads it), ``signin``
(InitiateAuth, challenges), ``admin_signin`` (AdminInitiateAuth,
AdminRespondToAuthChallenge), ``totp`` (the TOTP calls), ``passwordless``
(choice-based sign-in, ``USER_AUTH``), ``webauthn_ops`` (passkeys: registration, verification),
``mfa_config`` (the pool's MFA and passkey settings), ``token_endpoint`` (``POST
/oauth2/token``, the client credentials grant), ``accounts`` (sign-up, passwords,
sign-out, users), ``attributes`` (the user's own attributes and their verification),
``front`` (dispatch), ``server`` and ``__main__`` (the process). Nothing here imports
the auth runtime.
"""
