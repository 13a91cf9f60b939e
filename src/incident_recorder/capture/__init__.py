"""Screen capture: mss grab → PNG bytes and thumbnail. No Qt; runs off the UI thread."""
