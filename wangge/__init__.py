"""Wangge: urban grid governance for a district or street operations centre."""
