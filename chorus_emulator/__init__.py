"""A local emulator of the Chorus Pro REST API behind the PISTE OAuth2 gateway.

Run it with ``python -m chorus_emulator serve``; see ``chorus_emulator/README.md``.
The package is framework-free on purpose: it must never import Django.
"""
