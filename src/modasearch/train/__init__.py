"""Training (needs the [train] extra for torch): the text-image aligner."""
