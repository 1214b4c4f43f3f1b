"""Batch deposits of Factur-X, UBL and CII files and their reports."""
