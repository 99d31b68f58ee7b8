"""Tests of toolkit.geo and the map blocks."""
