"""`python -m synthlab` runs the CLI."""

from synthlab.cli import main

main()
