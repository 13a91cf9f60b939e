"""The recorder window: note bar, header, the controllers that record notes and curate entries,
past entries, revision history, the tray and the webhook toggle."""
