"""The error kinds raised by the client.

Callers decide what to do from the class alone:

- :class:`ChorusTransientError`: try again later (honour ``retry_after`` when set). When
  ``may_have_been_processed`` is true, Chorus Pro may already hold the effect of the request (the
  answer was lost, not the request): look it up before sending it again.
- :class:`ChorusRejectedError`: Chorus Pro understood and refused the request (``codeRetour`` ≠ 0).
  Sending it again unchanged will fail again; show ``message`` to a human.
- :class:`ChorusAuthenticationError`: the PISTE application or the technical account is refused.
  Nothing works until someone fixes the credentials.
- :class:`ChorusProtocolError`: the answer does not look like the Chorus Pro API (missing field,
  unexpected status or body). A bug on either side, not something to retry blindly.
"""

from __future__ import annotations


class ChorusError(Exception):
    """Base of every client error; ``operation`` is e.g. ``factures/v1/soumettre``."""

    def __init__(self, message: str, *, operation: str | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.http_status = http_status

    def __str__(self) -> str:
        prefix = f"{self.operation}: " if self.operation else ""
        return prefix + self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ChorusTransientError(ChorusError):
    """A failure that may go away: timeout, lost connection, HTTP 429 or 5xx.

    ``reason`` is one of ``connect_timeout``, ``read_timeout``, ``connection_error``,
    ``connection_dropped``, ``rate_limited``, ``server_error``.

    ``retry_after`` is the delay in seconds Chorus Pro (PISTE) asked for, when it did (429/503).

    ``may_have_been_processed`` is true when the request was fully sent and no answer came back
    (read timeout, connection closed after sending). For a write such as ``soumettre`` the invoice
    may then exist in Chorus Pro: the caller must search for it (e.g. by invoice number) before
    submitting again, or it risks a duplicate.
    """

    def __init__(self, message: str, *, reason: str, operation: str | None = None,
                 http_status: int | None = None, retry_after: float | None = None,
                 may_have_been_processed: bool = False) -> None:
        super().__init__(message, operation=operation, http_status=http_status)
        self.reason = reason
        self.retry_after = retry_after
        self.may_have_been_processed = may_have_been_processed


class ChorusRejectedError(ChorusError):
    """Chorus Pro refused the request: ``codeRetour`` ≠ 0 (HTTP 200 or 400).

    ``code`` is the ``codeRetour`` (e.g. 20002 for a forbidden status change) and ``message`` the
    ``libelle`` as Chorus Pro wrote it (a message code or French text), to be shown as is.

    The REST APIs (Référentiel des Organisations, Engagements) have no ``codeRetour``: ``code`` is
    None, ``reason`` is their ``error`` name (``NotFoundReference``), ``message`` and ``detail``
    their texts, and ``http_status`` says 400, 403 (the account may not change this object)...
    """

    def __init__(self, message: str, *, code: int | None, operation: str | None = None,
                 http_status: int | None = None, reason: str | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message, operation=operation, http_status=http_status)
        self.code = code
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        prefix = f"{self.operation}: " if self.operation else ""
        which = f"code {self.code}" if self.code is not None or self.reason is None \
            else self.reason
        return f"{prefix}rejected by Chorus Pro ({which}): {self.message}"


class ChorusAuthenticationError(ChorusError):
    """PISTE or Chorus Pro refused our credentials.

    ``www_authenticate`` carries the explanation PISTE puts in that header (contract §11.6), e.g.
    ``login or password incorrects`` for a wrong or expired technical password.
    ``technical_account`` is true when the technical user (``cpro-account``) is the culprit rather
    than the OAuth2 client or token.
    """

    def __init__(self, message: str, *, operation: str | None = None,
                 http_status: int | None = None, www_authenticate: str | None = None,
                 technical_account: bool = False) -> None:
        super().__init__(message, operation=operation, http_status=http_status)
        self.www_authenticate = www_authenticate
        self.technical_account = technical_account


class ChorusProtocolError(ChorusError):
    """The answer does not match the contract (missing field, unexpected shape or status)."""
