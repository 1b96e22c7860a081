"""The reconstructed cohort: its deterministic method, its ensemble of alternatives, and synthetic cohorts for tests and benchmarks."""
