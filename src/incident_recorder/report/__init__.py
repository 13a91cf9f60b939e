"""Reports: an incident and its entries → Markdown / JSON files. Pure functions, no Qt."""
