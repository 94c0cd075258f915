"""Output: the only code that writes the site (``writer``) and the search indexes as a build step (``indexes``).

May import ``pages``, ``model``, ``inputs``, ``search`` and ``util``.
"""
