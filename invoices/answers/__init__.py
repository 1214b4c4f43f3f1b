"""What a supplier does after Chorus Pro answers: complete, re-route, acknowledge, correct."""
