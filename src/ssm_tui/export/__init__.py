"""Getting policies out: files written atomically (and, later, output formats and the
clipboard)."""
