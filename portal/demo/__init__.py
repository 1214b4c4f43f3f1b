"""The demo world of ``./dev run``: structures, users and connections (world.py), then four months
of invoicing told as stories (stories.py, made of steps.py) and replayed through the product's own
services against the emulator (history.py, replay.py; outside.py for the parties outside the
portal)."""
