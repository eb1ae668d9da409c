"""Sample notebooks here are build inputs for the docs test, not notebooks to run under nbval."""

collect_ignore = ["fixtures"]
