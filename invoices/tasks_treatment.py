"""Celery tasks of the treatment work."""
