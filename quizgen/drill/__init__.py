"""Interactive practice: the drill, the timed exam and the progress store."""
