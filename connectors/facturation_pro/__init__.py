"""The Facturation.pro connector: a supplier's account connected, its invoices to public entities
imported as portal invoices, sent through the portal's own checks, and their fate written back."""
