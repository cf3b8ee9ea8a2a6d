"""Benchmarks: measured as ratios against a baseline run side by side, never as timed tests."""
