"""The read API (/api/v1), its reference page, and the bulk dumps (docs/API.md, docs/OPEN_DATA.md)."""
