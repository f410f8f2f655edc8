"""Secrets out of log text at every depth of URL encoding: a callback inside a sign-in
page's `next=`, inside that page's Referer, inside another `next=` ..."""

from urllib.parse import quote, unquote

import pytest

from slotlink.core.redaction import REDACTED, redact

CODE = "Zc0de-that-must-not-be-logged_0123456789"
STATE = "Zst4te-that-must-not-be-logged_0123456789"
CALLBACK = f"/360/integrations/zoom/callback?code={CODE}&state={STATE}"


def encoded(text: str, depth: int) -> str:
    for _ in range(depth):
        text = quote(text, safe="")
    return text


def fully_decoded(text: str) -> str:
    while unquote(text) != text:
        text = unquote(text)
    return text


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 5])
def test_a_callback_inside_next_is_redacted_at_any_depth(depth):
    """The request line and Referer of a sign-in page whose `next=` holds the callback,
    encoded `depth` times: neither the code nor the state, at any depth, is left."""
    inner = encoded(CALLBACK, depth)
    line = f'"POST /signin?next={inner} HTTP/1.1" 302 "https://slotlink.test/signin?next={inner}"'
    cleaned = redact(line)
    for secret in (CODE, STATE):
        assert secret not in fully_decoded(cleaned)
    # What is not secret stays as it was written: still encoded, the path still there.
    assert cleaned.startswith(f'"POST /signin?next={encoded("/360/integrations", depth)}')
    assert cleaned.count(REDACTED) == 4


def test_every_secret_parameter_is_redacted_and_its_neighbours_kept():
    """OAuth's code, state, verifier and tokens, passwords and a reset or setup token;
    the parameter after each is kept."""
    names = [
        "code",
        "state",
        "code_verifier",
        "access_token",
        "refresh_token",
        "token",
        "password",
        "new_password1",
        "client_secret",
    ]
    for name in names:
        for depth in (0, 1, 2):
            query = encoded(f"?{name}={CODE}&date=2030-01-02", depth)
            cleaned = redact(f"GET /x{query}")
            assert CODE not in fully_decoded(cleaned), (name, depth)
            assert "date=2030-01-02" in fully_decoded(cleaned), (name, depth)


def test_a_value_ends_at_its_own_separator_and_no_earlier():
    """An `&` encoded one level deeper than its parameter belongs to the value: all of it
    is redacted, not just what comes before it."""
    assert redact(f"/x?code={CODE}%26{STATE}&y=1") == f"/x?code={REDACTED}&y=1"
    assert redact(f"/x?next=%2Fcb%3Fcode%3D{CODE}%2526{STATE}%26y%3D1") == (
        f"/x?next=%2Fcb%3Fcode%3D{REDACTED}%26y%3D1"
    )


def test_secrets_spelled_in_escapes_are_caught_once_decoded():
    """A name written with escapes (`%63ode`), or a reset link inside an encoded `next=`,
    is found by decoding the line: it is then logged decoded, redacted, with a decoded
    newline escaped rather than starting a forged line."""
    cleaned = redact(f"GET /360/integrations/zoom/callback?%63ode={CODE}%0Aforged")
    assert CODE not in fully_decoded(cleaned)
    assert "\n" not in cleaned
    assert cleaned.startswith("GET /360/integrations/zoom/callback?code=[redacted]")
    for depth in (1, 2, 4):
        link = encoded(f"/password/reset/MQ/{CODE}", depth)
        assert CODE not in fully_decoded(redact(f"GET /signin?next={link}"))


def test_ordinary_lines_are_left_as_they_are():
    """Lines without secrets, encoded or not, come out unchanged."""
    for line in [
        "GET /book/acme/intro-call?date=2030-01-02&time_zone=Europe%2FParis",
        f"GET /signin?next={quote('/360/integrations/zoom?x=1', safe='')}",
        "zoom.meeting.failed meeting=4 code=3001",
        "100% done",
    ]:
        assert redact(line) == line
