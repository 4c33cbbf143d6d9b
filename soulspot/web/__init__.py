"""HTML pages and HTMX fragments."""
