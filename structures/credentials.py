"""Encryption of stored Chorus Pro credentials (technical-account passwords)."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _cipher() -> MultiFernet:
    # The first key encrypts; every key decrypts, so keys can be rotated without a migration.
    return MultiFernet([Fernet(key.encode()) for key in settings.CREDENTIALS_KEYS])


def credential_encrypt(plain: str) -> str:
    return _cipher().encrypt(plain.encode()).decode()


def credential_decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError(
            "Stored credential cannot be decrypted: CREDENTIALS_KEY does not match the key it "
            "was encrypted with."
        ) from None
