"""What a person sees across the domains: home, the team page and its section registry, and
the patient's and relatives' Min side."""
