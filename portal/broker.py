"""kombu's filesystem transport, with messages written atomically.

kombu creates a message file under its final name, then writes it; a worker listing the folder
meanwhile takes the file and reads it empty, and its consumer dies on the JSON error (seen in
``./dev run``: the worker stopped, and with it the whole run). Here a message is written under a
name the readers skip, then renamed: a reader sees a whole message or none. Used by the embedded
run only (portal/settings.py); Redis needs none of this.
"""

import contextlib
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Readers only take files ending in ".<queue>.msg".
        partial = final + ".part"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
