"""Celery tasks fetching documents from Chorus Pro (documents work)."""
