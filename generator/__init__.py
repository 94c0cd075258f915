"""News-archive static site generator: seeds and YAML in, a static site out.

The pipeline reads top to bottom: load (``seeds``, ``content``) → model
(``model``, ``mentions``) → render (``generators``) → write (``writer``),
driven by ``build``.
"""

__version__ = "0.1.0"
