"""The subcommands: one module per analysis (or pair), registered by name in
:data:`analysis.cli.COMMANDS` and imported only when they run. Commands only
parse, call library functions, write and print."""
