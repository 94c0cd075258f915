"""Incremental builds: everything one build learns for the next, in one place (as Sphinx's ``environment/``).

Owns: the build cache, its format and commit protocol (``cache``), per-article
records reused by the loader (``load``) and the plan: whether the last build
can be trusted at all (``open_previous``) and which pages to render again,
by comparing each page's fingerprint (made by its family, see
``generator.pages.fingerprints``) with the last build's (``plan``).  May import every stage below it: ``output``,
``pages``, ``model``, ``inputs``, ``search``, ``util``.
"""
