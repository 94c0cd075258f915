"""Pages: the model rendered to HTML, XML and JSON, one family of pages at a time.

Owns: the page families (``families``: what pages exist and what each is
made from), tag and source pages (``browse``), pagination (``pagination``),
feeds and the sitemap (``feeds``), JSON-LD (``jsonld``), the timeline SVG
(``svg``), the Jinja environment (``render``) and rendering on several cores
(``workers``).  Pure: no file is written here.  May import ``model``,
``inputs`` and ``util``.
"""
