"""The Qt-free core: phone numbers, entries, regions and search."""
