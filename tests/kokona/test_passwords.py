"""Password rules: 12 characters or more, no common passwords, no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "qwertyuiop123"])
def test_short_and_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "kushiro harbour fog",  # lower case and spaces only: no composition rules
        "ぬさまい橋の夕日がきれい",  # Japanese is fine
        "x" * 40 + " a very long passphrase indeed",  # 64+ characters
    ],
)
def test_long_uncommon_passwords_are_accepted(password):
    validate_password(password)


def test_the_refusal_is_in_japanese():
    with pytest.raises(ValidationError) as error:
        validate_password("short")

    assert "12 文字" in " ".join(error.value.messages)
