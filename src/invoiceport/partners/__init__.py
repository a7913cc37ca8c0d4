"""Partners, their customer grants and credentials."""
