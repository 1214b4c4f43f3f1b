"""Connection settings for one Chorus Pro account (a PISTE application plus a technical user)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Contract §1.1 [C]: the piste.gouv.fr hosts. The older *.aife.economie.gouv.fr hosts are gone.
SANDBOX_TOKEN_URL = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"  # noqa: S105
SANDBOX_API_BASE_URL = "https://sandbox-api.piste.gouv.fr"
PRODUCTION_TOKEN_URL = "https://oauth.piste.gouv.fr/api/oauth/token"  # noqa: S105
PRODUCTION_API_BASE_URL = "https://api.piste.gouv.fr"

# Contract §8.2: real clients use 30 s (OCA) to 300 s (Tryton). Connecting should be quick; reading
# may be slow on big downloads, hence two separate values.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 60.0


@dataclass(frozen=True, kw_only=True)
class ChorusConfig:
    """Where and as whom to call Chorus Pro.

    The secrets (``client_secret`` and ``technical_password``) are excluded from ``repr`` so that a
    config printed in a log or a traceback never leaks them.
    """

    token_url: str
    api_base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    technical_login: str
    technical_password: str = field(repr=False)
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    # Renew the token this many seconds before PISTE says it expires (contract §10.4: 60-240 s).
    token_expiry_margin: float = 60.0

    def __post_init__(self) -> None:
        for name in ("token_url", "api_base_url", "client_id", "client_secret",
                     "technical_login", "technical_password"):
            if not getattr(self, name):
                raise ValueError(f"ChorusConfig.{name} must not be empty")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("ChorusConfig timeouts must be positive")
        object.__setattr__(self, "api_base_url", self.api_base_url.rstrip("/"))

    @classmethod
    def sandbox(cls, **credentials: object) -> ChorusConfig:
        """A config for the PISTE sandbox ("qualification"); pass the credentials as keywords."""
        return cls(token_url=SANDBOX_TOKEN_URL, api_base_url=SANDBOX_API_BASE_URL,
                   **credentials)  # type: ignore[arg-type]

    @classmethod
    def production(cls, **credentials: object) -> ChorusConfig:
        """A config for production Chorus Pro; pass the credentials as keywords."""
        return cls(token_url=PRODUCTION_TOKEN_URL, api_base_url=PRODUCTION_API_BASE_URL,
                   **credentials)  # type: ignore[arg-type]
