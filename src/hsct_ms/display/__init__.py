"""What a reader sees: charts, tables, number formatting, and what may be disclosed about a real cohort."""
