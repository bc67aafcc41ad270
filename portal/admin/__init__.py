"""Administration: organisations, their users, and requests for partner access."""
