"""Reading the book's inputs: the cohort file (schema, loading, validation) and the published values."""
