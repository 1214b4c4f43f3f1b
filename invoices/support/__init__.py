"""The back-office: what support staff see and the safe actions they run."""
