"""The native admin API (`/admin/v1`)."""
