"""Entry point for gunicorn (`gunicorn wsgi:app`) and for the `flask` command."""
import gc

from consult import create_app

app = create_app()
# What start-up built (routes, Babel data, SQLAlchemy mappers, compiled templates) lives as long as the
# process: keep it out of the garbage collector's full collections, which otherwise scan it all and put a
# 90 ms pause into one request in several (bench/consultations.py: record page p95 154 → 73 ms in process).
gc.freeze()
