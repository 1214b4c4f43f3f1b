"""A supplier's saved products and services, added as invoice lines in the editor."""
