"""What tests share: factories that build rows, HTTP and socket helpers, child processes, waiting."""
