"""The team sync: replicas of one incident meet in the team's PostgreSQL. Qt-free.

Every recorder writes its own incident file first; `Replicator` (replicator.py) pushes the rows
of this recorder the database lacks and pulls everyone else's through the session core, so a
teammate's entry reaches the timeline like a local one. The database's schema is versioned and
made by `team init` (team_db.py); connection strings are libpq's, and a password is never kept
or shown (conninfo.py). See docs/team.md.
"""
