"""Relatives (pårørende) and representation: who the patient lets see what, and who acts for
the patient (foreldreansvar, verge, fullmakt)."""
