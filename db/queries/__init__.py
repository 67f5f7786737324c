"""Read-only query functions returning plain data (no ORM objects leave this package)."""
