"""Staff invitations: a leader or coordinator invites a health worker by fødselsnummer or HPR."""
