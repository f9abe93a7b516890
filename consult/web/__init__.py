"""Pages that belong to no single domain: home, the record, privacy and terms; shared view helpers."""
