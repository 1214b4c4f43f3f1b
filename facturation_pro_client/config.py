"""Connection settings for one Facturation.pro API key (an account) and, usually, one firm."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "L'URL de base de l'API est : https://www.facturation.pro/"
PRODUCTION_BASE_URL = "https://www.facturation.pro"

DEFAULT_CONNECT_TIMEOUT = 5.0
# Lists of 50 invoices with their lines and PDFs are small; a minute is already generous.
DEFAULT_READ_TIMEOUT = 30.0

# The doc asks for "MonAppli (http://monappli.com/contact.php)" or "Appli (patrick@camping.test)":
# an application name, then a contact form URL or an e-mail address in brackets.
_CONTACT = re.compile(r"\((?:[^()\s@]+@[^()\s@]+\.[^()\s@]+|https?://[^()\s]+)\)")


def check_user_agent(value: str) -> str:
    """The User-Agent Facturation.pro asks for, or ValueError.

    Without valid contact details "votre accès à l'API pourra être suspendu sans préavis"; and
    accented characters must not be used (they break its decoding of the header).
    """
    if not value or not value.isascii() or not value.isprintable():
        raise ValueError("the User-Agent must be printable ASCII (no accented characters)")
    if not _CONTACT.search(value) or value.startswith("("):
        raise ValueError("the User-Agent must name the application, then a contact e-mail or "
                         "URL in brackets, e.g. 'PortailChorus (support@example.fr)'")
    return value


@dataclass(frozen=True, kw_only=True)
class FacturationProConfig:
    """Where and as whom to call Facturation.pro.

    ``api_id`` / ``api_key`` are the "Identifiant API" and "Clé API" of the account (HTTP Basic);
    ``firm_id`` is the FIRM_ID of the firm worked on (``/account.json`` lists them). Calls under
    ``/firms/FIRM_ID/`` need it; ``account()`` does not. The key is left out of ``repr``.
    """

    api_id: str
    api_key: str = field(repr=False)
    user_agent: str
    firm_id: int | None = None
    base_url: str = PRODUCTION_BASE_URL
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT

    def __post_init__(self) -> None:
        for name in ("api_id", "api_key", "base_url"):
            if not getattr(self, name):
                raise ValueError(f"FacturationProConfig.{name} must not be empty")
        if ":" in self.api_id:
            # HTTP Basic cannot carry a colon in the user part.
            raise ValueError("FacturationProConfig.api_id must not contain ':'")
        check_user_agent(self.user_agent)
        if self.firm_id is not None and (isinstance(self.firm_id, bool) or self.firm_id < 1):
            raise ValueError("FacturationProConfig.firm_id must be a positive integer")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("FacturationProConfig timeouts must be positive")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
