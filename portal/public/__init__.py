"""Pages anyone can read: what LEAD is, who is eligible, and how a partner asks for access."""
