"""ABC Supply dialect."""
