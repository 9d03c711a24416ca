"""Scenarios: task files with a success predicate over the final phone state, and their replay."""
