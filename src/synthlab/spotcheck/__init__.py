"""Spot-check: pick samples for a person to review, draw their labels, record verdicts and
turn them into a statement about label quality (see `synthlab spotcheck` / `synthlab review`)."""
