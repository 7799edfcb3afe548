"""The example app's REST API: thin views over its services (writes) and selectors (reads)."""
