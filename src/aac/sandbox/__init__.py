"""A local server of the Assistants v2, Files and Vector Stores wire API, persisted in SQLite."""

from __future__ import annotations
