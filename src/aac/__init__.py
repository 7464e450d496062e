"""assistant-as-code: assistants, files and vector stores kept in git, planned and applied."""

__version__ = "0.1.0"
