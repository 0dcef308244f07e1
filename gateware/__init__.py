"""Amaranth gateware: field arithmetic, point adder, MSM and NTT engines, AXI top."""
