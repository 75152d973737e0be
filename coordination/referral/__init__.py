"""From need to team: the need report, the koordinerende enhet's worklist, the coordinator's
appointment and mandate, and turning 16."""
