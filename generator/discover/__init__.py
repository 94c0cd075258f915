"""``discover``: proposing the people, organisations and places an archive names but its registry lacks.

Owns: finding capitalised names (``names``), the gazetteer (``gazetteer``),
proposals and their types (``propose``), accepting a reviewed file
(``accept``), the command (``run``) and its evaluation on Reuters
(``evaluate``).  Beside the build: may import ``inputs``, ``model``,
``curation`` and ``util``, never the build.
"""
