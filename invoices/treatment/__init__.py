"""What a recipient or validator decides on a received invoice."""
