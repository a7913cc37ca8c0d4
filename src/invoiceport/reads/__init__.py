"""The one read path of every dialect (credential, grant and invoice in one statement)."""
