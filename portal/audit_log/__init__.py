"""The audit log's page for program administrators: filter, page through and export the events.

Apart from portal.audit (which writes the log and sits below accounts, since signing in and every
refusal write to it), because reading it needs the accounts: who may see it, and whose email.
"""
