"""Night and crisis: the crisis card legevakt and AMK read in seconds, night contacts, their
import and the morning digest of them."""
