"""Curation: the archivist's tools around the build.

Owns: importing a JSON Lines corpus (``importer``), duplicates
(``duplicates``), ``check`` (validate without writing) and the link check of
a built site (``linkcheck``).  May import the build and every stage below.
"""
