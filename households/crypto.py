"""Encryption at rest of households' personal fields, and the keyed hashes that find
duplicates without decrypting anything.

Fernet (AES-128-CBC + HMAC-SHA256, from the maintained `cryptography` library) under a
MultiFernet of `HOUSEHOLDS_ENCRYPTION_KEYS`: the first key encrypts, every key decrypts.
Rotation: put a new key first, run `manage.py households_rotate_keys` (re-encrypts every row
under the new key), then remove the old key from the environment.

Duplicates are found by HMAC-SHA256 (key `HOUSEHOLDS_HASH_KEY`) of the normalised phone and
address: equal inputs give equal hashes, but a hash alone cannot be turned back into a phone
number without the key (a plain hash of an 11-digit number can be brute-forced in minutes).
"""

import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "HOUSEHOLDS_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)"
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.HOUSEHOLDS_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """The token of a non-empty text; the empty text stays empty (nothing to hide)."""
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A household field cannot be decrypted with HOUSEHOLDS_ENCRYPTION_KEYS "
            "(was a key removed before households_rotate_keys ran?)"
        ) from None


def rotate(token: str) -> str:
    """The same plaintext under the first (current) key."""
    return fernet().rotate(token.encode()).decode() if token else ""


def normalise_phone(phone: str) -> str:
    """Digits only, full-width digits folded, a leading +86 / 0086 dropped, so
    "＋86 138-0000-0000" and "13800000000" are one phone."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits


def normalise_address(*parts: str) -> str:
    """Full-width folded, spaces dropped, case folded, so "3栋 2单元 401" and "3栋2单元401"
    are one door."""
    folded = (unicodedata.normalize("NFKC", part).casefold() for part in parts)
    return "|".join(re.sub(r"\s+", "", part) for part in folded)


def keyed_hash(normalised: str) -> str:
    """HMAC-SHA256 hex of a normalised value; "" for an empty one (never a duplicate)."""
    if not normalised.strip("|"):
        return ""
    key = settings.HOUSEHOLDS_HASH_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """What a volunteer sees: the first three and last two digits (138******00)."""
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]
