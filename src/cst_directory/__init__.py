"""CST Directory: the Community Security Trust's lines and the UK's emergency numbers, offline."""

__version__ = "0.1.0"
APP_NAME = "CST Directory"
APP_ID = "uk.org.cstdirectory.CstDirectory"
