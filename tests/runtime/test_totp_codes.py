"""The tests' TOTP helper against the RFC 6238 appendix B vectors (SHA1, 8 digits -> 6)."""

from __future__ import annotations

import base64

import pytest

from totp_codes import totp

# RFC 6238 appendix B: the SHA1 seed is the ASCII "12345678901234567890".
SEED = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_codes_match_the_rfc_vectors(at, eight_digits):
    # given the RFC's seed and time
    # when
    code = totp(SEED, at)

    # then the six-digit code is the last six digits of the RFC's eight
    assert code == eight_digits[-6:]
