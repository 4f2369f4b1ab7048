"""Start-up time of cst-directory against a bare PySide6 window, both launched the same way in one run.

Prints the median wall time of each over several launches and their ratio. Run with the installed app on
PATH beside this interpreter (make bench).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from launch_timing import report_medians, sample_launches

RUNS = 7
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

class Window(QWidget):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, app.quit)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1000, 660)
window.show()
sys.exit(app.exec())
"""


def main() -> int:
    app = Path(sys.executable).parent / "cst-directory"
    if not app.exists():
        print(f"{app} is not installed: run 'make install' first.", file=sys.stderr)
        return 2
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as home:
        commands = {
            "bare PySide6 window": [sys.executable, "-c", BARE_WINDOW],
            "cst-directory": [str(app), "--home", home, "--exit-after-show"],
        }
        samples = sample_launches(commands, env, RUNS)
    medians = report_medians(samples, 22)
    ratio = medians["cst-directory"] / medians["bare PySide6 window"]
    print(f"cst-directory / bare window: {ratio:.2f}x  (platform {env['QT_QPA_PLATFORM']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
