"""Helpers shared by the tests and the benchmarks: synthetic classes, the built book, the explorer's cases."""
