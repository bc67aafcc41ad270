"""The coordinators' review: the queue, claims, decisions and intake deadlines."""
