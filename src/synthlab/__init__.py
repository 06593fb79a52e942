"""synthlab: synthetic data that comes out already labeled, exactly.

import synthlab
recipe = synthlab.load_recipe("recipes/falls.yaml")
synthlab.render(recipe, "out/falls")
sample = synthlab.Dataset(recipe)[17]
"""

from synthlab._version import __version__
from synthlab.api import Dataset, generate, render
from synthlab.engine.render import RenderResult
from synthlab.errors import RecipeError, SynthlabError
from synthlab.generators.base import Generator, GeneratorSpec, SamplePlan, register_generator
from synthlab.recipe import Recipe, load_recipe
from synthlab.samples import Sample

__all__ = [
    "Dataset",
    "Generator",
    "GeneratorSpec",
    "Recipe",
    "RecipeError",
    "RenderResult",
    "Sample",
    "SamplePlan",
    "SynthlabError",
    "__version__",
    "generate",
    "load_recipe",
    "register_generator",
    "render",
]
