"""People: registration, email verification, login, password reset, data download and erasure."""
