"""Benchmarks of the pages and exports (`make bench`); not part of the application or of its tests."""
