"""Accounts: users, roles, leaders' scopes, sign-in, lock-out and password reset."""
