"""The public-sector AI register (공공 인공지능 등록부)."""
