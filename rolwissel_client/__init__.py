"""Clients of Rolwissel's socket protocol: the tests, `rolwissel simulate` and `rolwissel bench`."""
