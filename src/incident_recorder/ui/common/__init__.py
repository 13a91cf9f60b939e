"""What every room uses: theme and style, the action table, links, inert text browsers, safe image
decoding, Qt's log, start-up measures."""
