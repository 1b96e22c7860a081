"""Building the book: the Sphinx extension, the build and notebook drivers, the benchmark, and the command line."""
