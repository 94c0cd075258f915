"""``python -m generator``: the command-line interface."""

from generator.cli import run

run()
