"""Presenting results: tables for the terminal (figures and reports come later)."""
