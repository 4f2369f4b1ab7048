"""The Qt window: models over domain entries, the main window and its panes. No files, no sqlite."""
