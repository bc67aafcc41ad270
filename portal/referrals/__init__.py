"""Referrals: partner forms saved as drafts, screening as they go, submission, the partner dashboard."""
