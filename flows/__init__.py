"""Prefect flows: thin orchestration over newsnorm's plain functions."""
