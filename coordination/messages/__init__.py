"""Messages between the team's actors and the documents attached to the team, the plan, a
meeting or a message."""
