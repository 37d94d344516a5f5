"""Training (PyTorch, the `train` extra): profiles, the one trainer loop for every stage, losses, stage entries.
`profile` needs no torch (the CLI reads profiles without it)."""
