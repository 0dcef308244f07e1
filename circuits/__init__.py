"""Mathematics and the proof system, pure Python: BN254, polynomials, R1CS, Groth16, snarkjs formats."""
