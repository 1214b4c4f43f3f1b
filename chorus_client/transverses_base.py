"""What every part of the Transverses group shares: the call, and files in base64."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .errors import ChorusProtocolError
from .transport import Transport
from .wire import Reader


def encode_file(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def decode_file(reader: Reader, key: str) -> bytes:
    try:
        return base64.b64decode(reader.text(key), validate=True)
    except (binascii.Error, ValueError):
        raise ChorusProtocolError(f"field {key!r} is not valid base64",
                                  operation=reader.operation) from None


class TransversesCalls:
    """Calls to ``/cpro/transverses/v1/<path>``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Reader:
        operation = f"transverses/v1/{path}"
        return Reader(self._transport.call(operation, body), operation=operation)
