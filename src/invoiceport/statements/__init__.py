"""Statements of account: a customer's open items and their aging per currency."""
