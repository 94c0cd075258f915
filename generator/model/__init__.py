"""The model: the whole archive as plain objects, before anything is rendered.

Owns: articles, entities and the indexes between them, related articles
(``archive``), finding entity mentions (``mentions``), taxonomies such as tags
and sources grouped into collections (``taxonomies``), and where every page
lives (``urls``).  May import ``inputs`` and ``util``.
"""
