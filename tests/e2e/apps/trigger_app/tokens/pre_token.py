"""Pre token generation: the user's tenant (their email domain) as a claim.

``v1`` answers a V1_0 event: ``claimsOverrideDetails`` changes the id token only, and
claim values are strings. ``v2`` answers a V2_0 event:
``claimsAndScopeOverrideDetails`` changes the id token and the access token, whose
``scopesToAdd`` grants ``reports/read`` (the scope the app's ``reports`` route asks
for). Both record which trigger source minted the tokens
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
"""


def _tenant(event):
    email = event["request"]["userAttributes"].get("email", "")
    return email.rpartition("@")[2]


def v1(event, context):
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": _tenant(event), "minted_by": event["triggerSource"]},
    }
    return event


def v2(event, context):
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {
            "claimsToAddOrOverride": {
                "tenant": _tenant(event),
                "minted_by": event["triggerSource"],
                "roles": ["reader"],
            },
        },
        "accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": _tenant(event)},
            "scopesToAdd": ["reports/read"],
        },
    }
    return event
