"""Search across consultations, sections of every version, comments, dispositions, statements, organisations
and AI register entries, in Korean and English, on SQLite (FTS5) and PostgreSQL (GIN over lexemes).

- text.py      words, index terms (with the suffixes of Korean words), the query language, snippets
- models.py    SearchDocument: one row per public thing
- backends.py  the full-text index and its MATCH / @@ condition, one class per database
- index.py     documents per kind, the after_flush listener (same transaction), the bulk rebuild
- queries.py   search(): counts per kind and pages, a fixed number of statements
- views.py     /<lang>/search
See docs/SEARCH.md.
"""
