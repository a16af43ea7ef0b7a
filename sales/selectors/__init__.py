"""Reads of the sales app: target progress and the commission basis."""
