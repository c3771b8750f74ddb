"""Inputs: find the files and decode them into text."""
