"""Organisations, users, sign-in with MFA, server-side sessions and invitations."""
