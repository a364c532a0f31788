"""Configuration: a project's folders and the params files read from them (council, catalogue,
calendar, comparator groups, papers), each read with the one safe YAML reader."""
