"""Writes on people: invitations (``invitations``), roles and removals (``members``), the second
factor of a login (``two_factor``), each recorded in the audit (``audit``)."""
