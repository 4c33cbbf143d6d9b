"""`python -m soulspot`: the same command as `soulspot`."""

from soulspot.cli import main

main()
