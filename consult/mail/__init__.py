"""The mail outbox: actions write messages in their transaction; a worker sends them."""
