"""Helpers every stage may use, knowing nothing of articles or pages.

Owns: problems reported as ``file:line`` (``diagnostics``), reading user text
files (``textio``), safe YAML with line numbers (``yamlio``), small text
functions (``text``), atomic file operations, the lock and libc (``files``),
forked workers (``forking``), and how names spread over folders a USB stick
can hold (``folders``, shared by page addresses and the search index).  Imports nothing else of the generator.
"""
