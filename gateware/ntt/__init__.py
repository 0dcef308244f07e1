"""Streaming NTT engine over Fr: butterfly units, twiddle ROM, control."""
