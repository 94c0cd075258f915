"""Incremental builds: everything one build learns for the next, in one place (as Sphinx's ``environment/``).

Owns: the build cache, its journal and format (``cache``), per-article
records reused by the loader (``load``), page fingerprints (``fingerprints``)
and the plan: which pages to render again, and whether the last build can be
trusted at all (``plan``).  May import every stage below it: ``output``,
``pages``, ``model``, ``inputs``, ``search``, ``util``.
"""
