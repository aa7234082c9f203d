"""Alembic migrations of the tracking database (run by tracking.migrate)."""
