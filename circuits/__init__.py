"""Mathematics and the proof system, pure Python: BN254, NTT, MSM, R1CS, Groth16, snarkjs files."""
