"""Pages: the model rendered to HTML, XML and JSON, one family of pages at a time.

Owns: the page families (``families``: what pages exist, what each is
made from and how it is known across builds), what a page's fingerprint
covers (``fingerprints``), taxonomy pages: tags, sources, authors and any
declared in site.yaml (``browse``), pagination (``pagination``),
feeds and the sitemap (``feeds``), JSON-LD (``jsonld``), the timeline SVG
(``svg``), the Jinja environment (``render``) and rendering on several cores
(``workers``).  Pure: no file is written here.  May import ``model``,
``inputs`` and ``util``.
"""
