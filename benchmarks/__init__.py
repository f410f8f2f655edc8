"""Benchmarks: commands that measure slotlink and record their numbers in docs/benchmarks.md."""
