"""Plumbing every layer uses: the database, HTTP helpers, the application context, the clock,
metrics, logs, the uvicorn protocol and the /docs page."""
