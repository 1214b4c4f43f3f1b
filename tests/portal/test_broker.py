"""The embedded run's broker (portal/broker.py): a worker never reads a message half written."""

from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError


@pytest.fixture
def channel(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    connection = Connection(
        "filesystem://",
        transport="portal.broker:Transport",
        transport_options={"data_folder_in": str(folder), "data_folder_out": str(folder),
                           "store_processed": False},
    )
    with connection:
        yield connection.default_channel, folder


def test_a_message_is_read_whole(channel):
    channel, _folder = channel
    channel._put("celery", {"body": "x" * 100_000})
    assert channel._get("celery") == {"body": "x" * 100_000}


def test_a_message_still_being_written_is_not_taken(channel):
    """kombu wrote a message under its final name before its content: a worker listing the
    folder meanwhile read it empty and died on the JSON error."""
    channel, folder = channel
    (folder / "1_abc.celery.msg.part").write_bytes(b'{"body": "x')
    with pytest.raises(Empty):
        channel._get("celery")


def test_a_write_that_fails_leaves_no_message(channel, monkeypatch):
    channel, folder = channel

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("portal.broker.os.replace", refuse)
    with pytest.raises(ChannelError):
        channel._put("celery", {"body": "x"})
    assert list(Path(folder).iterdir()) == []
