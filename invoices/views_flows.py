"""Views for batch deposits of invoice files."""
