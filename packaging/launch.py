"""Entry script of the PyInstaller bundle: starts the CST Directory window, exactly as cst-directory does."""

from cst_directory.app import run

if __name__ == "__main__":
    run()
