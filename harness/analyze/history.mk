# harness/analyze/history.mk: `wirelab history` keeps runs in SQLite
# (Debian's libsqlite3, scripts/install-deps); the sources link into
# build/wirelab through harness.mk.
HARNESS_LIBS += -lsqlite3
