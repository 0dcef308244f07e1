"""AXI4-Lite register file and AXI4-Stream adapters for the accelerator top."""
