"""The builtin generators, one folder each."""
