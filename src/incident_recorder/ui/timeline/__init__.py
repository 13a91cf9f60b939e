"""The timeline: its model (one row per visible entry), view, delegate and row heights, the filter
bar and the bounded thumbnail cache."""
