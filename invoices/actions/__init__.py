"""The queue of actions on Chorus Pro for one invoice, shared by answers and treatment."""
