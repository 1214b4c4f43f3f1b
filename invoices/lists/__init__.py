"""The invoice lists of each space: supplier home, recipient inbox, validator queue, CSV."""
