"""`wpt` subcommands, one module per family; each exposes `add_parser(subparsers)`."""
