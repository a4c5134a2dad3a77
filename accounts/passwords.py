"""The one password printed in the README: the demo accounts' (make run), which nobody may keep."""

DEMO_PASSWORD = "Minsheng@2023"  # noqa: S105 - local demo only; documented in README
