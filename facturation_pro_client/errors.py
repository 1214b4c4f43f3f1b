"""The error kinds raised by the client.

Callers decide what to do from the class alone:

- :class:`FacturationProTransientError`: try again later, after ``retry_after`` seconds when
  Facturation.pro said so (429). When ``may_have_been_processed`` is true the request left and no
  answer came back: for a write (a settlement), look it up before sending it again.
- :class:`FacturationProRejectedError`: Facturation.pro understood and refused the request (400,
  422, 409...); ``field_errors`` maps each field it named to its messages. Sending it again
  unchanged fails again. :class:`FacturationProNotFoundError` (404) is one of them: the record does
  not exist, or belongs to a firm these credentials cannot reach.
- :class:`FacturationProAuthenticationError`: the API identifier or key is refused (401), or the
  key may not do this (403). Nothing works until someone fixes the credentials.
- :class:`FacturationProProtocolError`: the answer does not look like the documented API (a
  missing field, an unexpected status, a 501 for a wrong Content-Type): a bug on either side.
"""

from __future__ import annotations

from .paging import RateLimit


class FacturationProError(Exception):
    """Base of every client error; ``operation`` is the doc's heading, ``GET /account.json``."""

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


class FacturationProTransientError(FacturationProError):
    """A failure that may go away: timeout, lost connection, HTTP 429 or 5xx.

    ``reason`` is one of ``connect_timeout``, ``read_timeout``, ``connection_error``,
    ``connection_dropped``, ``rate_limited``, ``server_error``.

    ``retry_after`` is the delay in seconds the server asked for (``Retry-After``), when it did.
    ``rate_limit`` is what the ``X-RateLimit-*`` headers of that answer said.
    """

    def __init__(self, message: str, *, reason: str, operation: str | None = None,
                 http_status: int | None = None, retry_after: float | None = None,
                 may_have_been_processed: bool = False,
                 rate_limit: RateLimit | None = None) -> None:
        super().__init__(message, operation=operation, http_status=http_status)
        self.reason = reason
        self.retry_after = retry_after
        self.may_have_been_processed = may_have_been_processed
        self.rate_limit = rate_limit


class FacturationProRejectedError(FacturationProError):
    """Facturation.pro refused the request as sent.

    ``field_errors`` maps a field name (``total``, ``paid_on``...; ``base`` for the record as a
    whole) to the messages of its ``errors`` answer, in the server's language (French).
    """

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None,
                 operation: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message, operation=operation, http_status=http_status)
        self.field_errors = field_errors or {}


class FacturationProNotFoundError(FacturationProRejectedError):
    """HTTP 404: no such record for this firm, or a firm these credentials do not hold."""


class FacturationProAuthenticationError(FacturationProError):
    """The API identifier and key were refused (401), or the key may not do this (403)."""


class FacturationProProtocolError(FacturationProError):
    """The answer does not match the documented API (missing field, unexpected shape or status)."""
