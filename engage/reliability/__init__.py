"""Staying correct under repeats and faults: one-time submit tokens, the database-fault page,
and the health checks a load balancer asks."""
