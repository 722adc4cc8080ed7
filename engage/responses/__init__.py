""" "You said, we did": decisions, actions with owners and progress, published outcomes and the
response clocks that keep them moving."""
