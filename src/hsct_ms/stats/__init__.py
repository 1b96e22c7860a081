"""Statistics on plain arrays and frames (numpy, scipy, lifelines). No charts, no page text."""
