"""phonenumbers for the CST Directory bundle; replaces the hook from pyinstaller-hooks-contrib.

That hook collects every submodule, including the tables for geocoder, carrier and timezone (45 MB of
phonenumbers' 48 MB), which the app never imports. This one collects only what parsing, validating and
formatting need that PyInstaller cannot see: phonenumbers imports the per-region metadata modules of
phonenumbers.data and phonenumbers.shortdata (short numbers such as 999) by name, when first needed.

If the app ever imports phonenumbers.geocoder, carrier or timezone, PyInstaller sees that import and bundles
them and their tables as usual.
"""

from PyInstaller.utils.hooks import collect_submodules  # type: ignore[import-untyped]

hiddenimports: list[str] = [
    *collect_submodules("phonenumbers.data"),
    *collect_submodules("phonenumbers.shortdata"),
]
