"""Ideas and concerns: the front door, routing, statuses, conversation and the social side."""
