"""Inputs: reading what the archivist wrote, one file at a time.

Owns: seed articles (``seeds``), the YAML of ``content/`` with its schemas
(``content``), sanitised Markdown (``markup``).  Every problem becomes a
``file:line`` diagnostic.  May import ``util`` only.
"""
