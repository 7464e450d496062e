"""The data model every layer shares: the plan and its changes, drift, and the apply step interface."""
