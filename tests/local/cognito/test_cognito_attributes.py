"""The user's own attributes: UpdateUserAttributes, DeleteUserAttributes, verification codes.

UpdateUserAttributes "Updates the currently signed-in user's attributes. To delete an
attribute from the user, submit the attribute in your API request with a blank value"
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html);
which attributes an app client may write
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes);
a changed email or phone number and its code
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html);
the codes last 24 hours (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cognito_api_construct.local.cognito import messages

from .support import (
    Clock,
    Lambdas,
    Pool,
    admin_user,
    call,
    codes,
    confirm,
    confirmed_user,
    email_of,
    new_password,
    refusal,
    sign_up,
    tokens_of,
)

MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
UNAUTHORIZED = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
NEW_EMAIL = "new.alice@example.com"
VERIFY_FIRST = {
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}
}


def _update(token: str, attributes: Mapping[str, str], **body: Any) -> dict[str, Any]:
    items = [{"Name": name, "Value": value} for name, value in attributes.items()]
    return call("UpdateUserAttributes", AccessToken=token, UserAttributes=items, **body)


def _update_refusal(token: str, attributes: Mapping[str, str]) -> tuple[str, str]:
    items = [{"Name": name, "Value": value} for name, value in attributes.items()]
    return refusal("UpdateUserAttributes", AccessToken=token, UserAttributes=items)


def _shown(token: str) -> dict[str, str]:
    """The attributes GetUser shows the user."""
    answer = call("GetUser", AccessToken=token)
    return {a["Name"]: a["Value"] for a in answer["UserAttributes"]}


def _stored(pool: Pool, username: str) -> dict[str, str]:
    """The attributes an admin sees (AdminGetUser, moto's own call)."""
    user = pool.admin.admin_get_user(UserPoolId=pool.id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def _verify(token: str, code: str, attribute: str = "email") -> dict[str, Any]:
    return call("VerifyUserAttribute", AccessToken=token, AttributeName=attribute, Code=code)


def _verify_refusal(token: str, code: str, attribute: str = "email") -> tuple[str, str]:
    return refusal("VerifyUserAttribute", AccessToken=token, AttributeName=attribute, Code=code)


def _alice(pool: Pool) -> str:
    """alice, confirmed (her email verified), signed in: her access token."""
    confirmed_user(pool, "alice")
    return str(tokens_of(pool, "alice")["AccessToken"])


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_user_updates_and_clears_their_own_attributes(make_pool: Callable[..., Pool]) -> None:
    """UpdateUserAttributes sets attributes; a blank value deletes one.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html:
    "Updates the currently signed-in user's attributes. To delete an attribute from the
    user, submit the attribute in your API request with a blank value."
    """
    # given alice, signed in
    pool = make_pool()
    token = _alice(pool)

    # when she sets her name and nickname, then clears her nickname
    first = _update(token, {"name": "Alice", "nickname": "Al"})
    _update(token, {"nickname": ""})

    # then her name is set, her nickname gone, and no code was sent for either
    shown = _shown(token)
    assert (shown["name"], "nickname" in shown) == ("Alice", False)
    assert first == {}
    assert len(codes(email_of("alice"))) == 1  # the sign-up code only


def test_an_attribute_outside_the_schema_is_invalid(make_pool: Callable[..., Pool]) -> None:
    """An attribute the pool's schema lacks is InvalidParameterException; nothing changes.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html:
    "For custom attributes, you must add a custom: prefix to the attribute name";
    InvalidParameterException is one of its errors. The message, one line per attribute
    ("user.custom:address: Attribute does not exist in the schema."), is observed
    (https://github.com/aws-amplify/amplify-flutter/issues/1531).
    """
    # given alice, in a pool without custom attributes
    pool = make_pool()
    token = _alice(pool)

    # when she sets her name along with a custom attribute and a name not prefixed
    refused = _update_refusal(token, {"name": "Alice", "custom:tier": "gold", "tier": "gold"})

    # then the call is refused for both unknown names, and her name is not set
    assert refused == (
        "InvalidParameterException",
        "user.custom:tier: Attribute does not exist in the schema.\n"
        "user.tier: Attribute does not exist in the schema.\n",
    )
    assert "name" not in _shown(token)


def test_the_client_writes_only_its_write_attributes(make_pool: Callable[..., Pool]) -> None:
    """With WriteAttributes, the client writes those only: others are NotAuthorizedException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes:
    "An app can ... write an attribute that you mark as writable. If an app tries to
    update an attribute that isn't writable, the app gets a NotAuthorizedException
    exception." The message "A client attempted to write unauthorized attribute" is
    observed (https://github.com/aws/aws-sdk-js/issues/1319).
    """
    # given a client that may write the name and email only, and alice
    pool = make_pool(client={"WriteAttributes": ["name", "email"]})
    token = _alice(pool)

    # when she sets her nickname, and then her name
    refused = _update_refusal(token, {"nickname": "Al"})
    _update(token, {"name": "Alice"})

    # then only the name is written
    assert refused == UNAUTHORIZED
    assert "nickname" not in _shown(token)
    assert _shown(token)["name"] == "Alice"


def test_without_write_attributes_the_verified_flags_are_not_writable(
    make_pool: Callable[..., Pool],
) -> None:
    """A client without WriteAttributes writes the attributes, not email_verified.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    "When you don't specify the WriteAttributes for your app client, your app can write
    the values of the Standard attributes of your user pool" (where ReadAttributes'
    default reads "email_verified, phone_number_verified, and the standard attributes").
    """
    # given a client without WriteAttributes, and alice with a new, unverified email
    pool = make_pool()
    token = _alice(pool)
    _update(token, {"email": NEW_EMAIL})

    # when she marks her email, or a phone number, verified herself
    email = _update_refusal(token, {"email_verified": "true"})
    phone = _update_refusal(token, {"phone_number_verified": "true"})

    # then neither is written
    assert email == phone == UNAUTHORIZED
    assert _shown(token)["email_verified"] == "false"


def test_a_client_that_may_write_email_verified_vouches_for_the_email(
    make_pool: Callable[..., Pool],
) -> None:
    """A client whose WriteAttributes list email_verified may set it with a new email.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes:
    an app "can write an attribute that you mark as writable". Like AdminUpdateUserAttributes
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html:
    "If you set the email_verified or phone_number_verified value ... to true, Amazon
    Cognito doesn't send a verification message"), no code is sent then.
    """
    # given a client that may write the email and its flag, and alice
    pool = make_pool(client={"WriteAttributes": ["email", "email_verified"]})
    token = _alice(pool)

    # when she changes her email, marking it verified
    answer = _update(token, {"email": NEW_EMAIL, "email_verified": "true"})

    # then it is changed and verified, and no code is sent
    assert answer == {}
    assert (_shown(token)["email"], _shown(token)["email_verified"]) == (NEW_EMAIL, "true")
    assert messages.sent(NEW_EMAIL) == []


def test_required_attributes_are_always_writable(make_pool: Callable[..., Pool]) -> None:
    """A required attribute is writable even when WriteAttributes does not list it.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes:
    "Required attributes in a user pool are always writable."
    """
    # given a pool requiring the email, a client that lists only the name, and alice
    schema = [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    pool = make_pool(pool={"Schema": schema}, client={"WriteAttributes": ["name"]})
    token = _alice(pool)

    # when she changes her email
    answer = _update(token, {"email": NEW_EMAIL})

    # then it is changed (a code goes to it)
    assert _shown(token)["email"] == NEW_EMAIL
    assert answer["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"


def test_a_required_attribute_cannot_be_cleared(make_pool: Callable[..., Pool]) -> None:
    """Neither a blank value nor DeleteUserAttributes removes a required attribute.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html:
    "When a standard attribute is marked as Required, a user cannot register unless a
    value for the attribute is provided"; the refusal, InvalidParameterException, is
    listed by both operations
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html).
    """
    # given a pool requiring the email, and alice
    schema = [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    pool = make_pool(pool={"Schema": schema})
    token = _alice(pool)

    # when she clears it, then deletes it
    cleared = _update_refusal(token, {"email": ""})
    deleted = refusal("DeleteUserAttributes", AccessToken=token, UserAttributeNames=["email"])

    # then both are refused and the email stays
    assert (
        cleared
        == deleted
        == ("InvalidParameterException", "user.email: The attribute is required\n")
    )
    assert _shown(token)["email"] == email_of("alice")


def test_an_immutable_attribute_cannot_be_updated(make_pool: Callable[..., Pool]) -> None:
    """An immutable attribute is written when the user is created, never after.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-custom-attributes:
    a custom attribute "can be mutable or immutable. You can only write a value to an
    immutable attribute when you create a user." The message ("user.email: Attribute
    cannot be updated.") is observed (https://github.com/aws-amplify/amplify-swift/issues/3981).
    """
    # given a pool with an immutable custom attribute, and alice who signed up with it
    schema = [{"Name": "tier", "AttributeDataType": "String", "Mutable": False}]
    pool = make_pool(pool={"Schema": schema})
    sign_up(
        pool, "alice",
        UserAttributes=[{"Name": "email", "Value": email_of("alice")},
                        {"Name": "custom:tier", "Value": "gold"}],
    )  # fmt: skip
    confirm(pool, "alice")
    token = str(tokens_of(pool, "alice")["AccessToken"])

    # when she changes it, or her sub
    tier = _update_refusal(token, {"custom:tier": "platinum"})
    sub = _update_refusal(token, {"sub": "mine"})

    # then both are refused, and her tier stays
    assert tier == ("InvalidParameterException", "user.custom:tier: Attribute cannot be updated.\n")
    assert sub == ("InvalidParameterException", "user.sub: Attribute cannot be updated.\n")
    assert _shown(token)["custom:tier"] == "gold"


def test_a_new_email_replaces_the_old_at_once_unverified(make_pool: Callable[..., Pool]) -> None:
    """Without verification before update, the new email is the user's at once, unverified.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html:
    "When AttributesRequireVerificationBeforeUpdate is false, ... API operations that
    change attribute values can immediately update a user's email or phone_number
    attribute"; the code goes to the new address (CustomMessage_UpdateUserAttribute,
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html)
    and UpdateUserAttributes answers CodeDeliveryDetailsList. VerifyUserAttribute: "the
    user's attribute becomes verified and the attribute email_verified ... becomes true".
    """
    # given alice, confirmed with her first email
    pool = make_pool()
    token = _alice(pool)

    # when she changes her email
    answer = _update(token, {"email": NEW_EMAIL})

    # then the new email is hers, unverified, and a code went there (none to the old one)
    assert (_shown(token)["email"], _shown(token)["email_verified"]) == (NEW_EMAIL, "false")
    assert answer == {
        "CodeDeliveryDetailsList": [
            {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        ]
    }
    sent = messages.sent(NEW_EMAIL)
    assert [m["trigger_source"] for m in sent] == ["CustomMessage_UpdateUserAttribute"]
    assert re.fullmatch(r"Your verification code is [0-9]{6}\. ", sent[0]["body"])
    assert len(codes(email_of("alice"))) == 1

    # and when she verifies it with the code, it is verified
    assert _verify(token, sent[0]["code"]) == {}
    assert _shown(token)["email_verified"] == "true"


def test_with_verification_before_update_the_old_email_stays_until_verified(
    make_pool: Callable[..., Pool],
) -> None:
    """With AttributesRequireVerificationBeforeUpdate, the old email works until the code.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html:
    "this request doesn't immediately update the value of that attribute. After your
    user receives and responds to a verification message to verify the new value,
    Amazon Cognito updates the attribute value. Your user can sign in and receive
    messages with the original attribute value until they verify the new value."
    VerifyUserAttribute "updates the affected attribute to its pending value"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html).
    """
    # given a pool that verifies a new email before the update, and alice
    pool = make_pool(pool=VERIFY_FIRST)
    token = _alice(pool)

    # when she changes her email
    answer = _update(token, {"email": NEW_EMAIL})

    # then a code went to the new address, while her old email stays hers and verified
    assert answer["CodeDeliveryDetailsList"][0]["Destination"] == "n***@e***"
    code = codes(NEW_EMAIL)[-1]
    for attributes in (_shown(token), _stored(pool, "alice")):
        assert (attributes["email"], attributes["email_verified"]) == (email_of("alice"), "true")
    # and messages still go to the old address
    call("ForgotPassword", ClientId=pool.client_id, Username="alice")
    assert messages.sent(email_of("alice"))[-1]["trigger_source"] == "CustomMessage_ForgotPassword"

    # and when she verifies the code, the new email is hers, verified
    _verify(token, code)
    assert (_shown(token)["email"], _shown(token)["email_verified"]) == (NEW_EMAIL, "true")


def test_the_update_message_uses_the_template_and_the_custom_message_trigger(
    make_pool: Callable[..., Pool], lambdas: Lambdas
) -> None:
    """The update code is written with VerificationMessageTemplate, or the CustomMessage trigger.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
    CustomMessage_UpdateUserAttribute is the source "to send the verification code ...
    when a user's email or phone number is changed"; the trigger's emailMessage replaces
    the template's
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerificationMessageTemplateType.html).
    """
    # given a pool with its own template and a CustomMessage trigger, and alice
    template = {"EmailMessage": "Code: {####}", "EmailSubject": "Check"}
    pool = make_pool(pool={"VerificationMessageTemplate": template}, triggers=["CustomMessage"])
    token = _alice(pool)
    lambdas.respond("CustomMessage", {"emailMessage": "Confirm {####} for your new address"})

    # when she changes her email, telling the trigger why
    _update(token, {"email": NEW_EMAIL}, ClientMetadata={"reason": "moved"})

    # then the trigger saw the update, and wrote the message
    event = lambdas.of("CustomMessage_UpdateUserAttribute")[-1]
    assert event["request"]["clientMetadata"] == {"reason": "moved"}
    assert event["request"]["userAttributes"]["email"] == NEW_EMAIL
    message = messages.sent(NEW_EMAIL)[-1]
    assert message["body"] == f"Confirm {message['code']} for your new address"
    assert message["subject"] == "Check"


def test_a_new_phone_number_gets_its_code_by_sms(make_pool: Callable[..., Pool]) -> None:
    """A new phone number the pool auto-verifies gets its code by SMS.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
    answers CodeDeliveryDetailsList; a code goes "to the new phone number or email
    address"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html).
    """
    # given a pool that auto-verifies email and phone, and alice
    pool = make_pool(pool={"AutoVerifiedAttributes": ["email", "phone_number"]})
    token = _alice(pool)

    # when she adds a phone number, and verifies it
    answer = _update(token, {"phone_number": "+14325551212"})
    (message,) = messages.sent("+14325551212")
    _verify(token, message["code"], "phone_number")

    # then the code went by SMS, and her number is verified
    assert answer["CodeDeliveryDetailsList"] == [
        {"Destination": "+*******1212", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    ]
    assert message["channel"] == "SMS"
    assert _shown(token)["phone_number_verified"] == "true"


def test_an_email_the_pool_does_not_verify_gets_no_code(make_pool: Callable[..., Pool]) -> None:
    """In a pool that does not auto-verify email, a new email is unverified, with no code.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html:
    Cognito sends codes to verify the attributes the pool verifies automatically
    (AutoVerifiedAttributes); an email changed by the user is not verified
    ("email_verified" false) until it is.
    """
    # given a pool without auto-verified attributes, and alice created by an admin
    pool = make_pool(pool={"AutoVerifiedAttributes": []})
    admin_user(pool, "alice")
    token = new_password(pool, "alice")["AuthenticationResult"]["AccessToken"]

    # when she changes her email
    answer = _update(token, {"email": NEW_EMAIL})

    # then it is hers, unverified, and nothing was sent
    assert answer == {}
    assert (_shown(token)["email"], _shown(token)["email_verified"]) == (NEW_EMAIL, "false")
    assert messages.sent(NEW_EMAIL) == []


def test_a_new_code_supersedes_the_last(make_pool: Callable[..., Pool]) -> None:
    """GetUserAttributeVerificationCode sends a new code; the one before has expired.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html:
    "sends a user attribute verification code for the specified attribute name"
    (CustomMessage_VerifyUserAttribute). VerifyUserAttribute: CodeMismatchException for a
    code that "doesn't match", ExpiredCodeException for one that "has expired"; that a
    new code replaces the last is the front's choice, as for the other codes (research
    notes, section 3).
    """
    # given alice, whose new email got a code, who asks for another
    pool = make_pool()
    token = _alice(pool)
    _update(token, {"email": NEW_EMAIL})
    answer = call("GetUserAttributeVerificationCode", AccessToken=token, AttributeName="email")
    first, second = codes(NEW_EMAIL)

    # when she types the first, a wrong one, then the second
    superseded = _verify_refusal(token, first)
    wrong = _verify_refusal(token, _other(second))
    _verify(token, second)

    # then only the second verifies her email
    assert (superseded, wrong) == (EXPIRED, MISMATCH)
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"
    }  # fmt: skip
    assert messages.sent(NEW_EMAIL)[-1]["trigger_source"] == "CustomMessage_VerifyUserAttribute"
    assert _shown(token)["email_verified"] == "true"
    assert _verify_refusal(token, second) == EXPIRED  # used up


def test_an_attribute_code_lasts_24_hours(make_pool: Callable[..., Pool], clock: Clock) -> None:
    """An attribute verification code works for 24 hours, then ExpiredCodeException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html: the attribute
    verification code is valid for 24 hours.
    """
    # given alice and bob, whose new emails got codes now
    pool = make_pool()
    alice = _alice(pool)
    confirmed_user(pool, "bob")
    bob = str(tokens_of(pool, "bob")["AccessToken"])
    _update(alice, {"email": "alice2@example.com"})
    _update(bob, {"email": "bob2@example.com"})

    # when alice verifies after 23 h 59 min and bob after 24 h 1 min (new tokens: an
    # access token lives an hour)
    clock.advance(24 * 3600 - 60)
    alice = str(tokens_of(pool, "alice")["AccessToken"])
    _verify(alice, codes("alice2@example.com")[-1])
    clock.advance(120)
    bob = str(tokens_of(pool, "bob")["AccessToken"])
    refused = _verify_refusal(bob, codes("bob2@example.com")[-1])

    # then only alice's email is verified
    assert _shown(alice)["email_verified"] == "true"
    assert refused == EXPIRED
    assert _shown(bob)["email_verified"] == "false"


def test_a_code_for_a_pending_email_goes_to_the_new_address(
    make_pool: Callable[..., Pool],
) -> None:
    """While a new email waits for verification, a requested code goes to it.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html:
    "Amazon Cognito sends a verification message to the new phone number or email
    address. Amazon Cognito doesn't change the value of the attribute until your user
    responds to the verification message and confirms the new value."
    """
    # given alice, whose new email waits for its code
    pool = make_pool(pool=VERIFY_FIRST)
    token = _alice(pool)
    _update(token, {"email": NEW_EMAIL})

    # when she asks for the code again and verifies with it
    call("GetUserAttributeVerificationCode", AccessToken=token, AttributeName="email")
    _verify(token, codes(NEW_EMAIL)[-1])

    # then it went to the new address, which is now hers
    assert len(codes(NEW_EMAIL)) == 2
    assert len(codes(email_of("alice"))) == 1
    assert _shown(token)["email"] == NEW_EMAIL


def test_only_email_and_phone_number_are_verified(make_pool: Callable[..., Pool]) -> None:
    """Codes are for email and phone_number only: other attributes are InvalidParameterException.

    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html:
    "Only email and phone can be verified."
    """
    # given alice, with a name
    pool = make_pool()
    token = _alice(pool)
    _update(token, {"name": "Alice"})

    # when she asks for a code for her name, and verifies it
    asked = refusal("GetUserAttributeVerificationCode", AccessToken=token, AttributeName="name")
    verified = _verify_refusal(token, "123456", "name")

    # then both are refused
    assert asked[0] == verified[0] == "InvalidParameterException"


def test_delete_user_attributes_removes_what_the_client_may_write(
    make_pool: Callable[..., Pool],
) -> None:
    """DeleteUserAttributes removes writable attributes; others are refused as in updates.

    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html:
    "Deletes attributes from the currently signed-in user"; NotAuthorizedException and
    InvalidParameterException are among its errors, and an app writes only attributes
    marked writable
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes).
    """
    # given a client that writes the name and nickname only, and alice with both
    pool = make_pool(client={"WriteAttributes": ["name", "nickname"]})
    token = _alice(pool)
    _update(token, {"name": "Alice", "nickname": "Al"})

    # when she deletes her nickname, her email, and an attribute the pool lacks
    deleted = call("DeleteUserAttributes", AccessToken=token, UserAttributeNames=["nickname"])
    email = refusal("DeleteUserAttributes", AccessToken=token, UserAttributeNames=["email"])
    unknown = refusal("DeleteUserAttributes", AccessToken=token, UserAttributeNames=["tier"])

    # then only the nickname is gone
    assert deleted == {}
    assert email == UNAUTHORIZED
    assert unknown == (
        "InvalidParameterException",
        "user.tier: Attribute does not exist in the schema.\n",
    )
    shown = _shown(token)
    assert ("nickname" in shown, shown["name"], shown["email"]) == (
        False,
        "Alice",
        email_of("alice"),
    )
