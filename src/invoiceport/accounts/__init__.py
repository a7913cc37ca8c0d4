"""People who sign in with a password: partner users of the portal and the supplier's console users.

`tables.py` (users and sessions), `repository.py` (their SQL), `passwords.py` (argon2id),
`service.py` (invitations, sign-in with lockout, sessions that end on logout and password change).
"""
