from dibwatch.cli import main

main()
