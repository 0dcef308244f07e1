"""Benchmarks (`make bench`): measurements, not tests. Results go to bench/results/."""
