"""The sign-in lockout: five wrong passwords, then a lockout doubling with each more.

https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
"After five failed sign-in attempts with a user's password ... Amazon Cognito locks out
your user for one second. The lockout duration then doubles after each additional one
failed attempt, up to a maximum of approximately 15 minutes. Attempts made during a
lockout period generate a Password attempts exceeded exception, and don't affect the
duration of subsequent lockout periods. ... To reset the lockout to its n=0 initial
state, your user must either sign in successfully after a lockout period expires, or
not initiate any sign-in attempts for 15 consecutive minutes at any time after a
lockout."
"""

from __future__ import annotations

from collections.abc import Callable

from .support import PASSWORD, Clock, Pool, Refused, confirmed_user, sign_in

WRONG = "Wrong-Passw0rd!x"
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
EXCEEDED = ("NotAuthorizedException", "Password attempts exceeded")


def _attempt(pool: Pool, username: str, password: str) -> tuple[str, str] | None:
    """None when the password signs the user in, else the refusal."""
    try:
        answer = sign_in(pool, username, password)
    except Refused as refused:
        return refused.code, refused.message
    assert "AuthenticationResult" in answer, answer
    return None


def _fail(pool: Pool, username: str, times: int) -> list[tuple[str, str] | None]:
    return [_attempt(pool, username, WRONG) for _ in range(times)]


def test_five_wrong_passwords_lock_the_user_out_for_a_second(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """After five wrong passwords even the right one is refused for a second.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "After five failed sign-in attempts ... Amazon Cognito locks out your user for one
    second"; "Attempts made during a lockout period generate a Password attempts
    exceeded exception".
    """
    # given alice, who typed a wrong password five times
    pool = make_pool()
    confirmed_user(pool, "alice")
    failures = _fail(pool, "alice", 5)

    # when she types the right one at once, and again a second later
    at_once = _attempt(pool, "alice", PASSWORD)
    clock.advance(1)
    a_second_later = _attempt(pool, "alice", PASSWORD)

    # then the five were wrong passwords, the first right one locked out, the second in
    assert failures == [INCORRECT] * 5
    assert at_once == EXCEEDED
    assert a_second_later is None


def test_each_more_failure_doubles_the_lockout(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """The nth failure locks the user out 2^(n-5) seconds: 1, 2, 4, 8...

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "For a cumulative number of failed sign-in attempts n, not including Password
    attempts exceeded exceptions, Amazon Cognito locks out your user for 2^(n-5)
    seconds."
    """
    # given alice, locked out after five wrong passwords
    pool = make_pool()
    confirmed_user(pool, "alice")
    _fail(pool, "alice", 5)

    # when, each time the lockout is almost over and then over, she tries again
    seen = []
    for seconds in (1, 2, 4, 8):
        clock.advance(seconds - 0.5)
        seen.append(_attempt(pool, "alice", PASSWORD))
        clock.advance(0.5)
        seen.append(_attempt(pool, "alice", WRONG))

    # then each lockout lasted twice the one before
    assert seen == [EXCEEDED, INCORRECT] * 4
    clock.advance(15.5)
    assert _attempt(pool, "alice", PASSWORD) == EXCEEDED  # the 9th failure: 16 s
    clock.advance(0.5)
    assert _attempt(pool, "alice", PASSWORD) is None


def test_the_lockout_stops_growing_at_fifteen_minutes(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """However many failures, a lockout lasts at most about 15 minutes.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "The lockout duration then doubles after each additional one failed attempt, up to a
    maximum of approximately 15 minutes."
    """
    # given alice, who failed 15 times, each after the lockout before was over
    pool = make_pool()
    confirmed_user(pool, "alice")
    _fail(pool, "alice", 5)
    for exponent in range(10):  # lockouts of 1 s ... 512 s
        clock.advance(2**exponent)
        assert _attempt(pool, "alice", WRONG) == INCORRECT

    # when she tries the right password just before 15 minutes, and at 15 minutes
    clock.advance(899)
    before = _attempt(pool, "alice", PASSWORD)
    clock.advance(1)
    at = _attempt(pool, "alice", PASSWORD)

    # then the 15th failure's lockout (2^10 s by the rule) ended at 15 minutes
    assert (before, at) == (EXCEEDED, None)


def test_attempts_during_a_lockout_do_not_count(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """Attempts refused for the lockout neither count nor lengthen the next lockout.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    attempts during a lockout "don't affect the duration of subsequent lockout periods".
    """
    # given alice, locked out, who tries ten wrong passwords during the lockout
    pool = make_pool()
    confirmed_user(pool, "alice")
    _fail(pool, "alice", 5)
    during = _fail(pool, "alice", 10)

    # when, the lockout over, she fails once more (the 6th failure: two seconds)
    clock.advance(1)
    sixth = _attempt(pool, "alice", WRONG)
    clock.advance(1.9)
    still = _attempt(pool, "alice", PASSWORD)
    clock.advance(0.1)
    after = _attempt(pool, "alice", PASSWORD)

    # then the ten were refused for the lockout only, and the next lockout lasted 2 s
    assert during == [EXCEEDED] * 10
    assert (sixth, still, after) == (INCORRECT, EXCEEDED, None)


def test_a_successful_sign_in_starts_the_count_again(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """After a successful sign-in, it takes five more wrong passwords to lock out again.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "To reset the lockout to its n=0 initial state, your user must either sign in
    successfully after a lockout period expires, or ..."
    """
    # given alice, locked out once, who then signed in
    pool = make_pool()
    confirmed_user(pool, "alice")
    _fail(pool, "alice", 5)
    clock.advance(1)
    assert _attempt(pool, "alice", PASSWORD) is None

    # when she types four wrong passwords, then the right one, then five wrong ones
    four = _fail(pool, "alice", 4)
    right = _attempt(pool, "alice", PASSWORD)
    five = _fail(pool, "alice", 5)

    # then only the fifth wrong password of the new count locks her out
    assert (four, right, five) == ([INCORRECT] * 4, None, [INCORRECT] * 5)
    assert _attempt(pool, "alice", PASSWORD) == EXCEEDED


def test_fifteen_quiet_minutes_after_a_lockout_start_the_count_again(
    make_pool: Callable[..., Pool], clock: Clock
) -> None:
    """No attempt for 15 minutes after a lockout resets the count.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "... or not initiate any sign-in attempts for 15 consecutive minutes at any time
    after a lockout."
    """
    # given alice, who failed seven times (her last lockout four seconds)
    pool = make_pool()
    confirmed_user(pool, "alice")
    _fail(pool, "alice", 5)
    for seconds in (1, 2):
        clock.advance(seconds)
        _attempt(pool, "alice", WRONG)

    # when she tries nothing for 15 minutes, then types a wrong password and the right one
    clock.advance(15 * 60)
    wrong = _attempt(pool, "alice", WRONG)
    right = _attempt(pool, "alice", PASSWORD)

    # then the wrong one is the first of a new count: no lockout
    assert (wrong, right) == (INCORRECT, None)


def test_the_lockout_is_the_users_own(make_pool: Callable[..., Pool]) -> None:
    """Locking alice out leaves bob alone, and unknown users are never locked out.

    https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior:
    "Amazon Cognito locks out your user": the failures counted are a user's. An
    unknown user's attempts stay "Incorrect username or password." when the client
    prevents user existence errors
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    # given alice, locked out, and bob
    pool = make_pool()
    confirmed_user(pool, "alice")
    confirmed_user(pool, "bob")
    _fail(pool, "alice", 5)

    # when bob signs in, and someone tries ten passwords for a name no one has
    bob = _attempt(pool, "bob", PASSWORD)
    nobody = _fail(pool, "nobody", 10)

    # then bob is in, and the unknown name always gets the usual answer
    assert bob is None
    assert nobody == [INCORRECT] * 10
    assert _attempt(pool, "alice", PASSWORD) == EXCEEDED
