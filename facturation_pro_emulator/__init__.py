"""A local emulator of the Facturation.pro JSON API (the subset the portal uses).

Run it with ``python -m facturation_pro_emulator serve``; see its ``README.md``.
Standard library only, on purpose: it must never import Django (nor the client it is tested with).
"""
