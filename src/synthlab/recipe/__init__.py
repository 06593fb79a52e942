"""Recipes: the typed models, safe loading with positions, and value distributions."""

from synthlab.recipe.distributions import FloatValue, IntValue, StrValue, Value
from synthlab.recipe.loader import Override, load_recipe, load_recipe_text, parse_set
from synthlab.recipe.model import Recipe, RecipeModel, quota_count

__all__ = [
    "FloatValue",
    "IntValue",
    "Override",
    "Recipe",
    "RecipeModel",
    "StrValue",
    "Value",
    "load_recipe",
    "load_recipe_text",
    "parse_set",
    "quota_count",
]
