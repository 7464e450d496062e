"""Reading manifests: YAML with line numbers, the schema, files and globs, what a kind needs to load its documents.

The loader that turns a stack's manifests into the desired state is aac.desired.
"""
