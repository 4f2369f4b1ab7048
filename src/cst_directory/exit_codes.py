"""The command line's exit codes, as the public contract gives them."""

EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2
"""Invalid input or usage: nothing was changed."""
EXIT_STORAGE = 3
"""The contacts file cannot be used (read-only, full, locked, damaged): the user's data is untouched."""
