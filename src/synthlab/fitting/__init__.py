"""Recipes estimated from real data (`synthlab fit`).

`series_input` reads and checks the real series, `series` estimates each channel's level,
trend, cycles and AR noise and the channels' noise correlation, `recipe_text` writes them
as a commented `timeseries` recipe.
"""
