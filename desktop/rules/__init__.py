"""Measures, company facts and the rules engine that matches them."""
