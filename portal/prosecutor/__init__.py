"""The prosecutor's office: the outcome of its linked police agencies' arrest diversions, and
nothing else (the arrest-diversion consent's limit; see ``fields.py``)."""
