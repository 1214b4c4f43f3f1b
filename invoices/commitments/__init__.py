"""Commitments (engagements juridiques): reading one from Chorus Pro (the Engagements API, the
legacy search as fallback) for the commitment check of the editor, and the commitment panel of
the invoice page, read in the background."""
