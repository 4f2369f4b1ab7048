"""Everything that touches files: the shipped directory data, the user's data directory and store."""
