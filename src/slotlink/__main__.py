from slotlink.cli import main

main()
