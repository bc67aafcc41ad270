"""Consent: the versioned texts a person signs, signing, and revocation."""
