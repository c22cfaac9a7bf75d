"""Pure domain rules of Haoban: no Django, no database, no clock reading (import-linter enforces it)."""
