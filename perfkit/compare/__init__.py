"""Comparing areas: which groups an area is ranked in, and every area's ranks for a batch of
area profiles, computed once per build."""
