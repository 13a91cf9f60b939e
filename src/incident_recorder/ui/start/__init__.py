"""Starting the app: the start window, opening a file on a worker, the single-instance socket."""
