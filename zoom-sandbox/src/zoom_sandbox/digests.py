"""The keys secrets are kept under: a SHA-256 of the value, never the value itself.

Access and refresh tokens, authorization codes and browser session ids are long random
strings, so an unsalted hash is as good as a salted one against guessing, and unlike a
salted one it can be looked up in a dict: the request's value is hashed and found in
O(1). The state file then holds nothing that works as a credential. (Passwords are
short and guessable, so they get salted, slow hashes instead: passwords.py.)
"""

from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
