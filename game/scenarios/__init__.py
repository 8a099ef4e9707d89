"""Scenarios: data files under scenarios/, validated by one schema."""
