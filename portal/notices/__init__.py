"""Who is told what: the notices of each referral event, the coordinators' weekday digest, each
user's choices, and the program administrators' mail pages. Written through portal/notifications
(the outbox), in the transaction of the change that causes them."""
