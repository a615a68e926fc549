"""`python -m assistant` runs the newsqa command line."""

from assistant.cli import main

main()
